/**
 * Child of index-rebuild-memory.test.ts: opens the database it is given with the app's connection
 * pragmas (64 MB page cache, temp_store = MEMORY, as open.ts sets them), drops and rebuilds the
 * table's index the way a large import does (deferIndexes), and prints how far the rebuild raised the
 * process's resident memory (its kernel high-water mark) and what the pragmas are afterwards.
 */
import Database from 'better-sqlite3';
import { deferIndexes } from '../../src/core/db/deferred-indexes';

const db = new Database(process.argv[2]!);
db.pragma('cache_size = -65536');
db.pragma('temp_store = MEMORY');
db.exec('BEGIN');
const deferred = deferIndexes(db, 't', []);
const before = process.resourceUsage().maxRSS;
deferred.rebuild();
const grewKb = process.resourceUsage().maxRSS - before;
const pragmas = { temp_store: db.pragma('temp_store', { simple: true }), cache_size: db.pragma('cache_size', { simple: true }) };
const index = db.prepare("SELECT sql FROM sqlite_master WHERE name = 't_keys'").get();
db.exec('ROLLBACK');
db.close();
console.log(JSON.stringify({ grewMb: Math.round(grewKb / 1024), pragmas, index }));
