import { TributaryError } from '@tributary/errors';

/** A mistake in how the command was typed: one line and exit code 2, as CLIs conventionally do. */
export const usageError = (message: string): TributaryError => new TributaryError('USAGE', message);
