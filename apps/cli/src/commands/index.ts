import type { Command } from '../command.ts';
import { dlqCommand } from './dlq.ts';
import { lagCommand } from './lag.ts';
import { ordersCommand } from './orders.ts';
import { produceCommand } from './produce.ts';
import { replayCommand } from './replay.ts';
import { schemasCommand } from './schemas.ts';
import { stackCommand } from './stack.ts';
import { startCommand } from './start.ts';
import { stockCommand } from './stock.ts';
import { tailCommand } from './tail.ts';
import { topicsCommand } from './topics.ts';
import { traceCommand } from './trace.ts';
import { verifyCommand } from './verify.ts';

/** Every top-level command; a new command is one file under commands/ and one line here. */
export const commands: readonly Command[] = [startCommand, stackCommand, produceCommand, tailCommand, dlqCommand, lagCommand, schemasCommand, topicsCommand, stockCommand, ordersCommand, replayCommand, verifyCommand, traceCommand];
