import { configSchema, crossFieldProblems, type AppConfig } from './schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Secrets are never echoed back: an operator needs to know which variable, not its value. */
const SECRET = /password|secret|connection_string|key/i;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings come from templated .env files; treat them as "not set" so defaults apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  const crossField = crossFieldProblems(cleaned);
  if (result.success && !crossField.length) return result.data;
  const issues = result.success ? [] : result.error.issues;
  const problems = issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const raw = cleaned[name];
    const shown = raw === undefined ? '' : SECRET.test(name) ? ' (value hidden)' : ` (got "${raw}")`;
    return `${name} ${issue.message}${shown}`;
  });
  problems.push(...crossField);
  throw new ConfigError(problems);
}
