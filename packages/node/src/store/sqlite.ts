import Database from 'better-sqlite3';
import type { Hex } from 'viem';
import type {
  ConsensusStore,
  CursorStore,
  MessageStore,
  Store,
  StoredMessage,
  StoredTx,
  TxState,
  TxStore,
} from './types.js';

/**
 * Schema migrations, applied in order inside one transaction each; index + 1 is the schema version.
 * Never edit a released entry: append a new one.
 *
 * Number encoding: uint64 values (chain selectors, sequence numbers) can exceed SQLite's signed 64-bit INTEGER,
 * so they are TEXT. Selectors are plain decimal (only compared for equality); sequence numbers are zero-padded
 * to 20 digits so that TEXT order is numeric order. Block numbers, nonces and log indexes stay far below 2^63
 * and are INTEGER, read back as bigint (safeIntegers) and checked on the way in.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE signatures (
    instance TEXT NOT NULL,
    seq_nr TEXT NOT NULL,
    reports_hash TEXT NOT NULL,
    PRIMARY KEY (instance, seq_nr)
  ) WITHOUT ROWID;
  CREATE TABLE epochs (
    instance TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE messages (
    source TEXT NOT NULL,
    dest TEXT NOT NULL,
    seq_nr TEXT NOT NULL,
    message_id TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    encoded TEXT NOT NULL,
    PRIMARY KEY (source, dest, seq_nr)
  ) WITHOUT ROWID;
  CREATE INDEX messages_by_id ON messages (message_id);
  CREATE INDEX messages_by_block ON messages (source, block_number);
  CREATE TABLE txs (
    hash TEXT PRIMARY KEY,
    chain_selector TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    nonce INTEGER NOT NULL,
    raw TEXT NOT NULL,
    max_fee_per_gas TEXT NOT NULL,
    max_priority_fee_per_gas TEXT NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX txs_by_account ON txs (chain_selector, from_addr, state, nonce);
  CREATE TABLE cursors (
    name TEXT PRIMARY KEY,
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

const UINT64_MAX = (1n << 64n) - 1n;
const INT63_MAX = (1n << 63n) - 1n;
const TX_STATES: readonly TxState[] = ['pending', 'confirmed', 'failed', 'replaced'];

export interface SqliteStoreOptions {
  /** ms a writer waits for another connection's lock before failing (default 5,000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating and migrating if needed) the node's SQLite database. WAL + synchronous=FULL: once a method's
 * promise resolves, its write survives kill -9 and power loss.
 */
export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Store {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5_000))}`);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.defaultSafeIntegers(true);
    migrate(db, path);
  } catch (err) {
    db.close();
    throw err;
  }
  let closed = false;
  return {
    consensus: consensusStore(db),
    messages: messageStore(db),
    txs: txStore(db),
    cursors: cursorStore(db),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

function migrate(db: Database.Database, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: bigint } | undefined;
  const current = row ? Number(row.version) : 0;
  if (current > MIGRATIONS.length) {
    throw new Error(`store ${path}: schema version ${current} is newer than this software (${MIGRATIONS.length})`);
  }
  const apply = db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
  });
  if (current < MIGRATIONS.length) apply.immediate();
}

// ---- encoding helpers -------------------------------------------------------------------------------------

function u64Text(v: bigint, what: string): string {
  if (v < 0n || v > UINT64_MAX) throw new RangeError(`${what} ${v} is not a uint64`);
  return v.toString();
}

/** Zero-padded to 20 digits (uint64 max has 20) so TEXT ordering is numeric ordering. */
function seqText(v: bigint, what = 'seqNr'): string {
  return u64Text(v, what).padStart(20, '0');
}

function int63(v: bigint | number, what: string): bigint {
  const b = BigInt(v);
  if (b < 0n || b > INT63_MAX) throw new RangeError(`${what} ${v} is out of range`);
  return b;
}

const lower = (h: string): Hex => h.toLowerCase() as Hex;

// ---- consensus --------------------------------------------------------------------------------------------

function consensusStore(db: Database.Database): ConsensusStore {
  const getSig = db.prepare('SELECT reports_hash FROM signatures WHERE instance = ? AND seq_nr = ?');
  const putSig = db.prepare('INSERT INTO signatures (instance, seq_nr, reports_hash) VALUES (?, ?, ?)');
  // Check-and-set in one IMMEDIATE transaction: the write lock is taken before the read, so two connections
  // (or processes) can never both see "absent" and record different hashes.
  const record = db.transaction((instance: string, seq: string, hash: Hex): boolean => {
    const row = getSig.get(instance, seq) as { reports_hash: string } | undefined;
    if (row) return row.reports_hash === hash;
    putSig.run(instance, seq, hash);
    return true;
  });
  const getEpoch = db.prepare('SELECT epoch FROM epochs WHERE instance = ?');
  // Monotonic: the stored epoch is the highest ever entered, so a late or replayed call cannot move it back.
  const setEpoch = db.prepare(
    'INSERT INTO epochs (instance, epoch) VALUES (?, ?) ON CONFLICT (instance) DO UPDATE SET epoch = MAX(epoch, excluded.epoch)',
  );
  return {
    async recordSignature(instance, seqNr, reportsHash) {
      return record.immediate(instance, seqText(seqNr), lower(reportsHash));
    },
    async getSignature(instance, seqNr) {
      const row = getSig.get(instance, seqText(seqNr)) as { reports_hash: Hex } | undefined;
      return row?.reports_hash;
    },
    async getEpoch(instance) {
      const row = getEpoch.get(instance) as { epoch: bigint } | undefined;
      return row ? Number(row.epoch) : 0;
    },
    async setEpoch(instance, epoch) {
      if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch ${epoch} of ${instance} is invalid`);
      setEpoch.run(instance, epoch);
    },
  };
}

// ---- messages ---------------------------------------------------------------------------------------------

interface MessageRow {
  source: string;
  dest: string;
  seq_nr: string;
  message_id: Hex;
  block_number: bigint;
  block_hash: Hex;
  tx_hash: Hex;
  log_index: bigint;
  encoded: Hex;
}

function toMessage(r: MessageRow): StoredMessage {
  return {
    sourceChainSelector: BigInt(r.source),
    destChainSelector: BigInt(r.dest),
    seqNr: BigInt(r.seq_nr),
    messageId: r.message_id,
    blockNumber: r.block_number,
    blockHash: r.block_hash,
    txHash: r.tx_hash,
    logIndex: Number(r.log_index),
    encoded: r.encoded,
  };
}

function messageStore(db: Database.Database): MessageStore {
  const put = db.prepare(
    `INSERT OR REPLACE INTO messages (source, dest, seq_nr, message_id, block_number, block_hash, tx_hash, log_index, encoded)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const putAll = db.transaction((ms: readonly StoredMessage[]) => {
    for (const m of ms) {
      put.run(
        u64Text(m.sourceChainSelector, 'sourceChainSelector'),
        u64Text(m.destChainSelector, 'destChainSelector'),
        seqText(m.seqNr),
        lower(m.messageId),
        int63(m.blockNumber, 'blockNumber'),
        lower(m.blockHash),
        lower(m.txHash),
        int63(m.logIndex, 'logIndex'),
        lower(m.encoded),
      );
    }
  });
  const range = db.prepare(
    'SELECT * FROM messages WHERE source = ? AND dest = ? AND seq_nr >= ? AND seq_nr <= ? ORDER BY seq_nr',
  );
  const ids = db.prepare(
    'SELECT seq_nr, message_id FROM messages WHERE source = ? AND dest = ? AND seq_nr >= ? AND seq_nr <= ? ORDER BY seq_nr',
  );
  const get = db.prepare('SELECT * FROM messages WHERE source = ? AND dest = ? AND seq_nr = ?');
  const byId = db.prepare('SELECT * FROM messages WHERE message_id = ? ORDER BY block_number DESC LIMIT 1');
  const del = db.prepare('DELETE FROM messages WHERE source = ? AND block_number >= ?');
  return {
    async put(messages) {
      putAll.immediate(messages);
    },
    async range(source, dest, fromSeqNr, toSeqNr) {
      if (toSeqNr < fromSeqNr) return [];
      const rows = range.all(u64Text(source, 'source'), u64Text(dest, 'dest'), seqText(fromSeqNr), seqText(toSeqNr));
      return (rows as MessageRow[]).map(toMessage);
    },
    async ids(source, dest, fromSeqNr, toSeqNr) {
      if (toSeqNr < fromSeqNr) return [];
      const rows = ids.all(u64Text(source, 'source'), u64Text(dest, 'dest'), seqText(fromSeqNr), seqText(toSeqNr)) as Pick<MessageRow, 'seq_nr' | 'message_id'>[];
      return rows.map((r) => ({ seqNr: BigInt(r.seq_nr), messageId: r.message_id }));
    },
    async get(source, dest, seqNr) {
      const row = get.get(u64Text(source, 'source'), u64Text(dest, 'dest'), seqText(seqNr)) as MessageRow | undefined;
      return row && toMessage(row);
    },
    async byMessageId(messageId) {
      const row = byId.get(lower(messageId)) as MessageRow | undefined;
      return row && toMessage(row);
    },
    async deleteFromBlock(source, blockNumber) {
      const from = blockNumber < 0n ? 0n : int63(blockNumber, 'blockNumber');
      return Number(del.run(u64Text(source, 'source'), from).changes);
    },
  };
}

// ---- transactions -----------------------------------------------------------------------------------------

interface TxRow {
  hash: Hex;
  chain_selector: string;
  from_addr: Hex;
  nonce: bigint;
  raw: Hex;
  max_fee_per_gas: string;
  max_priority_fee_per_gas: string;
  purpose: string;
  state: TxState;
  created_at: bigint;
}

function toTx(r: TxRow): StoredTx {
  return {
    chainSelector: BigInt(r.chain_selector),
    from: r.from_addr,
    nonce: Number(r.nonce),
    hash: r.hash,
    raw: r.raw,
    maxFeePerGas: BigInt(r.max_fee_per_gas),
    maxPriorityFeePerGas: BigInt(r.max_priority_fee_per_gas),
    purpose: r.purpose,
    state: r.state,
    createdAt: Number(r.created_at),
  };
}

function checkState(state: TxState): TxState {
  if (!TX_STATES.includes(state)) throw new Error(`unknown tx state ${String(state)}`);
  return state;
}

function txStore(db: Database.Database): TxStore {
  const insert = db.prepare(
    `INSERT INTO txs (hash, chain_selector, from_addr, nonce, raw, max_fee_per_gas, max_priority_fee_per_gas, purpose, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setState = db.prepare('UPDATE txs SET state = ? WHERE hash = ?');
  const pending = db.prepare(
    `SELECT * FROM txs WHERE chain_selector = ? AND from_addr = ? AND state = 'pending' ORDER BY nonce, created_at`,
  );
  // 'failed' txs do not hold a nonce from our records' point of view: either they landed reverted (then the
  // chain's own nonce is past them) or they never made it into a block (then the nonce is free again).
  const next = db.prepare(
    `SELECT MAX(nonce) AS n FROM txs WHERE chain_selector = ? AND from_addr = ? AND state != 'failed'`,
  );
  return {
    async insert(tx) {
      insert.run(
        lower(tx.hash),
        u64Text(tx.chainSelector, 'chainSelector'),
        lower(tx.from),
        int63(tx.nonce, 'nonce'),
        lower(tx.raw),
        tx.maxFeePerGas.toString(),
        tx.maxPriorityFeePerGas.toString(),
        tx.purpose,
        checkState(tx.state),
        int63(tx.createdAt, 'createdAt'),
      );
    },
    async setState(hash, state) {
      const res = setState.run(checkState(state), lower(hash));
      if (res.changes === 0) throw new Error(`tx ${hash} is not in the store (setting state ${state})`);
    },
    async pending(chainSelector, from) {
      return (pending.all(u64Text(chainSelector, 'chainSelector'), lower(from)) as TxRow[]).map(toTx);
    },
    async nextNonce(chainSelector, from) {
      const row = next.get(u64Text(chainSelector, 'chainSelector'), lower(from)) as { n: bigint | null };
      return row.n === null ? undefined : Number(row.n) + 1;
    },
  };
}

// ---- cursors ----------------------------------------------------------------------------------------------

function cursorStore(db: Database.Database): CursorStore {
  const get = db.prepare('SELECT block_number, block_hash FROM cursors WHERE name = ?');
  const set = db.prepare(
    `INSERT INTO cursors (name, block_number, block_hash) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash`,
  );
  return {
    async get(name) {
      const row = get.get(name) as { block_number: bigint; block_hash: Hex } | undefined;
      return row && { blockNumber: row.block_number, blockHash: row.block_hash };
    },
    async set(name, value) {
      set.run(name, int63(value.blockNumber, `cursor ${name} blockNumber`), lower(value.blockHash));
    },
  };
}
