/** A process that starts an embedding pool, waits for it, gives it nothing to do, and must then end by itself. */
import { join } from 'node:path';
import { EmbedPool } from '../../engine/features/embed-pool.js';
import { ASSETS } from './tmp.js';

const pool = new EmbedPool({ kind: 'face-expression', dir: join(ASSETS, 'models', 'face-expression') }, 2);
process.stdout.write(`ready ${await pool.settled()}\n`);
