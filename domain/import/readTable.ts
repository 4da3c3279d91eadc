import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { MONTH_ABBR } from '../calendar';

/**
 * Reads a spreadsheet into rows of text cells, header first, so every parser downstream sees one
 * shape whatever the file was.
 *
 * Row numbering: the table has one entry per CSV record (a quoted cell may span several physical
 * lines, which is still one record) or per worksheet row, blank ones included, so `rows[i]` is
 * row i + 1 as Excel shows it when the file is opened. Problems quote that number.
 */

export interface ReadTableOptions {
  /** Worksheet name for XLSX files; when omitted, the first sheet `accept` takes, else the first. */
  sheet?: string;
  /** Picks the sheet when none is named: the first sheet whose rows it accepts (a cover sheet is passed over). */
  accept?: (rows: string[][]) => boolean;
}

/**
 * Import size limits, checked before a file is read in full so a runaway export fails at once
 * with a message, not after minutes with an out-of-memory abort. One plan of a few thousand
 * actions is a few MB; these leave ample room while keeping memory to one plan's size.
 */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_ROWS = 20_000;

/** A file that cannot be read as a table: the message says what the file is and what to do. */
export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/** What the sheet looked like beyond its text: the fill colour of cells that have one, by "row,col" (0-based). */
export interface TableDetail {
  rows: string[][];
  /** The worksheet read, for XLSX files. */
  sheet?: string;
  fills: Map<string, string>;
  /** Cells covered by a merged range, not its first cell, by "row,col" (0-based): read as blank. XLSX only. */
  merged?: Set<string>;
  delimiter?: string;
}

export async function readTable(path: string, opts: ReadTableOptions = {}): Promise<string[][]> {
  return (await readTableDetail(path, opts)).rows;
}

export async function readTableDetail(path: string, opts: ReadTableOptions = {}): Promise<TableDetail> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new UnreadableFileError(`${path} is a folder, not a spreadsheet file. Give the path of a .csv or .xlsx file.`);
    size = st.size;
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new UnreadableFileError(`File not found: ${path}. Check the path and the file name (including .csv or .xlsx).`);
    if (code === 'EACCES' || code === 'EPERM') throw new UnreadableFileError(`${path} cannot be opened: permission denied. Copy it somewhere you can read, or ask for access.`);
    throw new UnreadableFileError(`${path} cannot be opened (${code ?? 'unknown reason'}).`);
  }
  checkSize(size, path);
  return readTableBufferDetail(await readFile(path), path, opts);
}

function checkSize(bytes: number, name: string): void {
  if (bytes > MAX_FILE_BYTES) {
    throw new UnreadableFileError(
      `${name || 'The file'} is ${(bytes / 1024 / 1024).toFixed(1)} MB; the import limit is ${MAX_FILE_BYTES / 1024 / 1024} MB (about ${MAX_ROWS} rows). ` +
        'Split the workbook into one file per plan, or delete unused sheets and rows.',
    );
  }
  if (bytes === 0) throw new UnreadableFileError(`${name || 'The file'} is empty (0 bytes). Save the spreadsheet again and retry.`);
}

/** For uploads: decides CSV or XLSX by the file's own bytes first, then its name. */
export async function readTableBuffer(data: Buffer, fileName = '', opts: ReadTableOptions = {}): Promise<string[][]> {
  return (await readTableBufferDetail(data, fileName, opts)).rows;
}

export async function readTableBufferDetail(data: Buffer, fileName = '', opts: ReadTableOptions = {}): Promise<TableDetail> {
  checkSize(data.length, fileName);
  const isZip = data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
  const isOle = data.length >= 4 && data[0] === 0xd0 && data[1] === 0xcf && data[2] === 0x11 && data[3] === 0xe0;
  const ext = extname(fileName).toLowerCase();
  if (isOle || ext === '.xls') throw new UnreadableFileError(`${fileName || 'The file'} is an old Excel 97–2003 workbook (.xls), which cannot be read. Open it in Excel and save it as .xlsx or .csv.`);
  if (isZip || ext === '.xlsx' || ext === '.xlsm') {
    if (!isZip) {
      throw new UnreadableFileError(
        `${fileName || 'The file'} is named as an Excel workbook but is not one (an .xlsx file is a zip archive; this one is not${looksLikeText(data) ? ': it looks like plain text, perhaps a CSV renamed' : ''}). Open it in Excel and save it as .xlsx, or rename it to .csv if it is a CSV.`,
      );
    }
    return readXlsxDetail(data, fileName, opts);
  }
  if (!looksLikeText(data)) {
    throw new UnreadableFileError(`${fileName || 'The file'} is not a CSV or Excel file (it holds binary data). Save the plan from Excel as .xlsx or .csv.`);
  }
  const text = decode(data);
  const delimiter = detectDelimiter(text);
  return { rows: readCsvText(text, delimiter), fills: new Map(), delimiter };
}

function looksLikeText(data: Buffer): boolean {
  const head = data.subarray(0, 4096);
  let control = 0;
  for (const b of head) if (b === 0 || (b < 9 && b !== 0)) control++;
  return control === 0;
}

/**
 * The separator a CSV uses: comma, semicolon (European Excel saves) or tab, by which one splits the
 * first lines into the same number of cells most consistently. Quoted text is skipped so commas in
 * prose do not count.
 */
export function detectDelimiter(text: string): string {
  const sample = text.slice(0, 64 * 1024).replace(/"(?:[^"]|"")*"/g, '""');
  const lines = sample.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').slice(0, 30);
  let best = ',';
  let bestScore = -1;
  for (const d of [',', ';', '\t']) {
    const counts = lines.map((l) => l.split(d).length - 1);
    const withAny = counts.filter((c) => c > 0);
    if (withAny.length === 0) continue;
    const mode = [...withAny].sort((a, b) => withAny.filter((x) => x === b).length - withAny.filter((x) => x === a).length)[0];
    const score = withAny.filter((c) => c === mode).length * 1000 + mode;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
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
  const text = decode(data);
  return readCsvText(text, detectDelimiter(text));
}

export function readCsvText(text: string, delimiter = ','): string[][] {
  let records: string[][];
  let count = 0;
  const tooMany = new UnreadableFileError(`The file has more than ${MAX_ROWS} rows, the import limit. Split it into one file per plan.`);
  try {
    records = parse(text, {
    delimiter,
    // Stop at the limit, counting records (a quoted cell may span lines), before holding them all.
    on_record: (record: string[]) => {
      if (++count > MAX_ROWS) throw tooMany;
      return record;
    },
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    // Exports mix endings (CRLF between records, LF inside cells), so accept all three.
    record_delimiter: ['\r\n', '\n', '\r'],
    });
  } catch (err) {
    if (err === tooMany || (err as { cause?: unknown }).cause === tooMany) throw tooMany;
    if (err instanceof Error && err.message === tooMany.message) throw tooMany;
    const e = err as { lines?: number; message?: string };
    throw new UnreadableFileError(`The CSV cannot be read near line ${e.lines ?? '?'}: ${(e.message ?? '').replace(/^Invalid /, 'invalid ')}. Open it in Excel and save it again as CSV.`);
  }
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


/**
 * True for a number format that shows a month and year but no day ("mmm-yy", "mmmm yyyy"): the
 * cell says a month, and the product's rule for a month is its last day, as for month-only text.
 * Quoted literals and [colour]/[locale] sections are ignored when looking for a day.
 */
export function isMonthOnlyFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const f = numFmt.split(';')[0].replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').replace(/\\./g, '').toLowerCase();
  return /m{3,}/.test(f) && /y/.test(f) && !/d/.test(f) && !/[hs]/.test(f);
}

/** Excel stores dates as serial days; a date format on a number cell means it is a date. */
function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt) return false;
  const f = numFmt.split(';')[0].replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').toLowerCase();
  return /[dy]/.test(f) && !/[#0]/.test(f);
}

function renderDate(d: Date, numFmt: string | undefined): string {
  // Month-only text, which the due-date reader takes as the end of that month.
  if (isMonthOnlyFormat(numFmt)) return `${MONTH_ABBR[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return britishDate(d);
}

function renderValue(value: ExcelJS.CellValue, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (isDateFormat(numFmt) && value > 0 && value < 2958466) return renderDate(new Date(Math.round((value - 25569) * 86400000)), numFmt);
    return renderNumber(value, numFmt);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return renderDate(value, numFmt);
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
  return (await readXlsxDetail(data, '', opts)).rows;
}

async function readXlsxDetail(data: Buffer, fileName: string, opts: ReadTableOptions): Promise<TableDetail> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    throw new UnreadableFileError(
      `${fileName || 'The file'} is not a readable Excel workbook: it is damaged, password-protected, or another kind of zip file. Open it in Excel and save it again as .xlsx (without a password), or as .csv.`,
    );
  }
  const names = workbook.worksheets.map((ws) => ws.name);
  if (names.length === 0) throw new UnreadableFileError(`${fileName || 'The workbook'} has no worksheets.`);
  let sheet: ExcelJS.Worksheet | undefined;
  if (opts.sheet !== undefined) {
    sheet = workbook.worksheets.find((ws) => ws.name.trim().toLowerCase() === opts.sheet!.trim().toLowerCase());
    if (!sheet) throw new UnreadableFileError(`No worksheet named "${opts.sheet}" in ${fileName || 'the workbook'}; its sheets are: ${names.join(', ')}.`);
    return readSheet(sheet);
  }
  if (opts.accept) {
    for (const ws of workbook.worksheets) {
      const detail = readSheet(ws);
      if (opts.accept(detail.rows)) return detail;
    }
  }
  return readSheet(workbook.worksheets[0]);
}

function readSheet(sheet: ExcelJS.Worksheet): TableDetail {
  if (sheet.rowCount > MAX_ROWS) throw new UnreadableFileError(`Worksheet "${sheet.name}" has ${sheet.rowCount} rows; the import limit is ${MAX_ROWS}. Split it into one file per plan.`);
  const rows: string[][] = [];
  const fills = new Map<string, string>();
  const merged = new Set<string>();
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      // A merged range repeats its value in every covered cell; the plan grammar says a blank cell
      // means "same as above", so only the top-left cell keeps the text.
      if (cell.type === ExcelJS.ValueType.Merge) {
        merged.add(`${r - 1},${c - 1}`);
        cells.push('');
        continue;
      }
      const fill = cell.fill;
      if (fill && fill.type === 'pattern' && fill.pattern === 'solid' && fill.fgColor?.argb) fills.set(`${r - 1},${c - 1}`, fill.fgColor.argb);
      cells.push(renderValue(cell.value, cell.numFmt).replace(/\r\n?/g, '\n'));
    }
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    rows.push(cells);
  }
  return { rows, sheet: sheet.name, fills, merged };
}
