import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/**
 * Reads a spreadsheet into rows of text cells, header first, so every parser downstream sees one
 * shape whatever the file was.
 *
 * Row numbering: the table has one entry per CSV record (a quoted cell may span several physical
 * lines, which is still one record) or per worksheet row, blank ones included, so `rows[i]` is
 * row i + 1 as Excel shows it when the file is opened. Problems quote that number.
 */

export interface ReadTableOptions {
  /** Worksheet name for XLSX files; the first worksheet when omitted. */
  sheet?: string;
}

export async function readTable(path: string, opts: ReadTableOptions = {}): Promise<string[][]> {
  const data = await readFile(path);
  return readTableBuffer(data, path, opts);
}

/** For uploads: decides CSV or XLSX by the file's own bytes first, then its name. */
export async function readTableBuffer(data: Buffer, fileName = '', opts: ReadTableOptions = {}): Promise<string[][]> {
  const isZip = data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
  const ext = extname(fileName).toLowerCase();
  if (isZip || ext === '.xlsx' || ext === '.xlsm') return readXlsxBuffer(data, opts);
  if (ext === '.xls') throw new Error('Old .xls workbooks cannot be read; save the file as .xlsx or .csv');
  return readCsvBuffer(data);
}

/** Windows-1252 differs from Latin-1 only in 0x80–0x9F: curly quotes, dashes, the euro sign. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * UTF-8 when the bytes are valid UTF-8, else Windows-1252: what Excel's "CSV" save produces in
 * the UK. Decoded by hand because Node's TextDecoder treats windows-1252 as plain Latin-1.
 */
function decode(data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return data.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
  }
}

export function readCsvBuffer(data: Buffer): string[][] {
  return readCsvText(decode(data));
}

export function readCsvText(text: string): string[][] {
  const records: string[][] = parse(text, {
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    // Exports mix endings (CRLF between records, LF inside cells), so accept all three.
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  return records.map((record) => record.map((cell) => cell.replace(/\r\n?/g, '\n')));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Excel dates carry no time zone; exceljs hands them over as UTC midnight, so read UTC parts. */
function britishDate(d: Date): string {
  return `${pad2(d.getUTCDate())}/${pad2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

function renderNumber(n: number, numFmt: string | undefined): string {
  if (numFmt && numFmt.includes('%')) return `${Number((n * 100).toPrecision(12))}%`;
  return String(Number(n.toPrecision(15)));
}

function renderValue(value: ExcelJS.CellValue, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return renderNumber(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return britishDate(value);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('error' in value) return value.error;
  if ('hyperlink' in value) {
    // Some writers store rich text inside the hyperlink's text.
    const text: unknown = value.text;
    if (typeof text === 'string') return text;
    if (text && typeof text === 'object' && 'richText' in text) return renderValue(text as ExcelJS.CellRichTextValue, numFmt);
    return value.hyperlink;
  }
  if ('formula' in value || 'sharedFormula' in value) {
    return value.result === undefined ? '' : renderValue(value.result, numFmt);
  }
  return '';
}

export async function readXlsxBuffer(data: Buffer, opts: ReadTableOptions = {}): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  const sheet = opts.sheet === undefined ? workbook.worksheets[0] : workbook.getWorksheet(opts.sheet);
  if (!sheet) {
    const names = workbook.worksheets.map((ws) => ws.name).join(', ');
    throw new Error(opts.sheet === undefined ? 'The workbook has no worksheets' : `No worksheet named "${opts.sheet}" (found: ${names})`);
  }
  const rows: string[][] = [];
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      // A merged range repeats its value in every covered cell; the plan grammar says a blank cell
      // means "same as above", so only the top-left cell keeps the text.
      if (cell.type === ExcelJS.ValueType.Merge) {
        cells.push('');
        continue;
      }
      cells.push(renderValue(cell.value, cell.numFmt).replace(/\r\n?/g, '\n'));
    }
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    rows.push(cells);
  }
  return rows;
}
