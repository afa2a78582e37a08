import type { Problem } from './model.js'

/** Collects errors (the config is refused) and warnings (it loads, but something is risky). */
export class ProblemList {
  readonly errors: Problem[] = []
  readonly warnings: Problem[] = []

  error(path: string, message: string): void {
    this.errors.push({ path, message })
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message })
  }
}

/** Thrown by loadSettings when a config cannot be used; carries every problem found. */
export class SettingsError extends Error {
  readonly problems: readonly Problem[]
  readonly source: string

  constructor(source: string, problems: readonly Problem[]) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration`)
    this.name = 'SettingsError'
    this.source = source
    this.problems = problems
  }
}

export function formatProblem(source: string, problem: Problem): string {
  const where = problem.line === undefined ? source : `${source}:${problem.line}`
  return `${where}: ${problem.path}: ${problem.message}`
}

/** For callers that report config problems and let anything else propagate as it is. */
export function asSettingsError(error: unknown): SettingsError {
  if (error instanceof SettingsError) return error
  throw error
}
