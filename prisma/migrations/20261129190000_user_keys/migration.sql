-- CreateTable
CREATE TABLE "user_keys" (
    "user_id" UUID NOT NULL,
    "key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_keys_pkey" PRIMARY KEY ("user_id")
);
