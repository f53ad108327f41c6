// The SQLite schema of a gws-vcr recording, column by column: the on-disk half of the data model in types.ts.
//
// Conventions (they hold for every table):
// - times named `*_ms` are REAL ms since the session's origin on its monotonic clock (fractional, sub-ms);
//   `origin_wall_ms` is the only wall-clock number; `*_at` columns are ISO-8601 text.
// - JSON columns (headers, flags, message) hold JSON text, so `sqlite3` and `json_extract` can read them;
//   bodies and payloads are BLOBs holding the exact bytes stored.
// - row ids are sequence numbers within their session, allocated by the writer when the thing starts;
//   the primary key is (session_id, id). `exchange_id` columns are deliberately NOT foreign keys: a
//   long-poll's messages are written before its exchange row (written when the exchange ends), and a
//   killed recorder may never write that row at all.
// Row tables keep SQLite's rowid (not WITHOUT ROWID): their rows carry bodies of any size, which
// WITHOUT ROWID tables store poorly.
// Any change here is a new schema version: add a step to migrations.ts, never edit a released one.

/** Version of the schema this code writes and reads; also in `PRAGMA user_version` and gws_vcr_meta. */
export const SCHEMA_VERSION = 2;

/**
 * The oldest version a read-only connection reads as it is. Every step since only added columns with a default,
 * which readers fill in when the file lacks them; a step that changes what a column means raises this.
 */
export const OLDEST_READABLE_VERSION = 1;

/** Value of the `tool` key in gws_vcr_meta: tells a gws-vcr file from any other SQLite file. */
export const TOOL_NAME = 'gws-vcr';

/** The table whose presence marks a gws-vcr database. */
export const META_TABLE = 'gws_vcr_meta';

/** Schema version 1, as created by migration step 0 -> 1; version 2 adds to it (SCHEMA_V2_STEP). */
export const SCHEMA_V1 = `
-- Key/value facts about the file itself.
CREATE TABLE gws_vcr_meta (
  key   TEXT PRIMARY KEY,   -- 'schema_version' (integer as text), 'tool' ('gws-vcr'), 'created_at' (ISO-8601)
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per recording run (gws-vcr record) or imported HAR file.
CREATE TABLE sessions (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT, -- session id, never reused
  name               TEXT,             -- --name given to record, or the HAR file name; NULL if none
  upstream           TEXT NOT NULL,    -- origin the proxy forwarded to (import: origin seen in the HAR)
  source             TEXT NOT NULL CHECK (source IN ('record', 'har-import')),
  listen_origin      TEXT,             -- origin the recorder served clients on; NULL for imports
  origin_wall_ms     REAL NOT NULL,    -- wall-clock ms since the epoch of at_ms 0
  started_at         TEXT NOT NULL,    -- ISO-8601 of origin_wall_ms
  ended_at           TEXT,             -- ISO-8601 of the clean end; NULL while recording or if killed
  notifications_path TEXT NOT NULL     -- Bayeux path prefix the recorder decoded
);

-- One row per HTTP request/response pair; a WebSocket upgrade and its whole connection are one row.
CREATE TABLE exchanges (
  session_id          INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  id                  INTEGER NOT NULL,  -- sequence number within the session
  kind                TEXT NOT NULL CHECK (kind IN ('http', 'bayeux', 'websocket')),
  method              TEXT NOT NULL,
  path                TEXT NOT NULL,     -- without the query, as the client sent it
  query               TEXT NOT NULL,     -- raw query without '?'; '' if none
  request_headers     TEXT NOT NULL,     -- JSON [[name, value], ...] in arrival order, duplicates kept
  request_body        BLOB,              -- as stored (redacted, maybe truncated); NULL if none
  request_body_bytes  INTEGER NOT NULL,  -- bytes the client really sent
  status              INTEGER,           -- status the client got; NULL if none
  response_headers    TEXT,              -- JSON like request_headers; NULL if no response started
  response_body       BLOB,              -- as the upstream sent it (redacted, maybe truncated); NULL if none
  response_body_bytes INTEGER NOT NULL,  -- bytes the upstream really sent
  start_ms            REAL NOT NULL,     -- first request byte seen by the proxy
  first_byte_ms       REAL,              -- first response byte; NULL if none came
  end_ms              REAL,              -- response fully sent (websocket: closed); NULL if never ended cleanly
  error               TEXT,              -- what went wrong, for people; NULL if nothing
  flags               TEXT NOT NULL,     -- JSON array of RowFlag strings, '[]' if none
  PRIMARY KEY (session_id, id)
);
CREATE INDEX exchanges_by_time ON exchanges (session_id, start_ms, id);
CREATE INDEX exchanges_by_path ON exchanges (session_id, path, start_ms, id);

-- One row per Bayeux message, either direction, either transport.
CREATE TABLE bayeux_messages (
  session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  id          INTEGER NOT NULL,  -- sequence number within the session
  exchange_id INTEGER,           -- long-poll exchange or WebSocket upgrade exchange that carried it; NULL if unknown
  direction   TEXT NOT NULL CHECK (direction IN ('to-server', 'to-client')),
  transport   TEXT NOT NULL CHECK (transport IN ('long-polling', 'websocket')),
  channel     TEXT,              -- e.g. '/meta/connect', '/v2/me/calls'; NULL if the message had none
  client_id   TEXT,              -- Bayeux clientId; NULL if none
  message_id  TEXT,              -- Bayeux message id; NULL if none
  successful  INTEGER,           -- 1/0 from the message's 'successful'; NULL if it had none
  at_ms       REAL NOT NULL,     -- when the message passed the proxy
  message     TEXT NOT NULL,     -- the whole message as JSON (redacted)
  PRIMARY KEY (session_id, id)
);
CREATE INDEX bayeux_by_time ON bayeux_messages (session_id, at_ms, id);
CREATE INDEX bayeux_by_channel ON bayeux_messages (session_id, channel, at_ms, id);
CREATE INDEX bayeux_by_client ON bayeux_messages (session_id, client_id, at_ms, id);
CREATE INDEX bayeux_by_exchange ON bayeux_messages (session_id, exchange_id, at_ms, id);

-- One row per WebSocket frame, either direction.
CREATE TABLE ws_frames (
  session_id    INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  id            INTEGER NOT NULL,  -- sequence number within the session
  exchange_id   INTEGER NOT NULL,  -- the upgrade exchange of the connection
  direction     TEXT NOT NULL CHECK (direction IN ('to-server', 'to-client')),
  opcode        TEXT NOT NULL CHECK (opcode IN ('text', 'binary', 'ping', 'pong', 'close')),
  at_ms         REAL NOT NULL,
  payload       BLOB NOT NULL,     -- as stored (redacted, maybe truncated); close: 2-byte code + reason
  payload_bytes INTEGER NOT NULL,  -- bytes really sent
  flags         TEXT NOT NULL,     -- JSON array of RowFlag strings
  PRIMARY KEY (session_id, id)
);
CREATE INDEX frames_by_time ON ws_frames (session_id, at_ms, id);
CREATE INDEX frames_by_exchange ON ws_frames (session_id, exchange_id, at_ms, id);
`;

/** Step 1 -> 2: the other origins a recorder rewrote to its own, besides the upstream's. */
export const SCHEMA_V2_STEP = `
-- JSON array of origins (URL.origin spelling) the upstream also wrote into its answers and the recorder
-- rewrote like its own: --rewrite-origin, e.g. the load balancer GWS's externalApiUrlV2 names.
ALTER TABLE sessions ADD COLUMN rewrite_origins TEXT NOT NULL DEFAULT '[]';
`;
