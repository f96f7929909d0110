/** A mistake in the command line itself: the CLI prints it and exits with status 2. */
export class UsageError extends Error {}
