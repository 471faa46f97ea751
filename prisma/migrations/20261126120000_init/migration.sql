-- CreateTable
CREATE TABLE "meta" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "log_batch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "first_seq" BIGINT NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,
    "checksum" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "payload" BLOB NOT NULL,
    "created_at" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "snapshot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "start_seq" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "started_at" BIGINT NOT NULL,
    "finished_at" BIGINT,
    "keys" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "chunk_count" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "snapshot_chunk" (
    "snapshot_id" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "checksum" INTEGER NOT NULL,
    "payload" BLOB NOT NULL,

    PRIMARY KEY ("snapshot_id", "idx"),
    CONSTRAINT "snapshot_chunk_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "snapshot" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "log_batch_first_seq_key" ON "log_batch"("first_seq");

