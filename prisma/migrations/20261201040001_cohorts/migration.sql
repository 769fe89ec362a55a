-- Projection "cohorts": users by registration month, and how many of each cohort became active or
-- inactive in each later month, so that "still active k months later" is a sum of a few rows.
CREATE TABLE "cohort_users" (
    "user_id" UUID NOT NULL,
    "cohort" DATE NOT NULL,
    "active" BOOLEAN NOT NULL,

    CONSTRAINT "cohort_users_pkey" PRIMARY KEY ("user_id")
);

CREATE TABLE "cohort_changes" (
    "cohort" DATE NOT NULL,
    "month" DATE NOT NULL,
    "change" INTEGER NOT NULL,

    CONSTRAINT "cohort_changes_pkey" PRIMARY KEY ("cohort","month")
);
