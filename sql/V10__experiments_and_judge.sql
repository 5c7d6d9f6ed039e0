-- Experiments (versioned prompts x datasets x models, graded) and the optional LLM judge. Every provider call stays a
-- cell of the one work queue: an experiment is a run of kind 'experiment' whose cells carry their rendered prompt and
-- model parameters; a grader prompt's call and a judge's call are cells of kind 'grader' / 'judge' added to the run of
-- the answer they are about (in the transaction that analysed it, cells_total raised by as many), so the claim, the
-- lease, the fencing, the retries, the provider's throttle and circuit, the budget and the finaliser are the same.

ALTER TABLE run ADD COLUMN kind text NOT NULL DEFAULT 'sweep' CHECK (kind IN ('sweep', 'experiment'));

-- sweep: run x prompt x provider x sample (prompt_id). experiment: one model x dataset row x sample of an experiment
-- (prompt_text rendered from the prompt version and the row; temperature and max_tokens of the model). grader, judge:
-- a call about the answer of parent_cell_id, with its prompt in prompt_text. replaced_by: a re-run's new cell; the
-- old one stays as history and no longer decides its run's status.
ALTER TABLE cell ADD COLUMN kind text NOT NULL DEFAULT 'sweep'
    CHECK (kind IN ('sweep', 'experiment', 'grader', 'judge'));
ALTER TABLE cell ALTER COLUMN prompt_id DROP NOT NULL;
ALTER TABLE cell ADD COLUMN prompt_text text CHECK (length(prompt_text) <= 1000000);
ALTER TABLE cell ADD COLUMN temperature double precision CHECK (temperature BETWEEN 0 AND 2);
ALTER TABLE cell ADD COLUMN max_tokens int CHECK (max_tokens >= 1);
ALTER TABLE cell ADD COLUMN parent_cell_id bigint REFERENCES cell (id);
ALTER TABLE cell ADD COLUMN replaced_by bigint REFERENCES cell (id);
ALTER TABLE cell ADD CONSTRAINT cell_input_of_kind
    CHECK (CASE kind WHEN 'sweep' THEN prompt_id IS NOT NULL AND parent_cell_id IS NULL
                     WHEN 'experiment' THEN prompt_text IS NOT NULL AND parent_cell_id IS NULL
                     ELSE prompt_text IS NOT NULL AND parent_cell_id IS NOT NULL END);
-- one grader call and one judge call per answer, whoever analyses it (a re-analysis adds none)
CREATE UNIQUE INDEX cell_follow_up ON cell (parent_cell_id, kind) WHERE parent_cell_id IS NOT NULL;

-- Prompts of experiments (not the workspace's buyer prompts): a name, a type, numbered immutable versions.
CREATE TABLE prompt_template (
    id           bigserial PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type         text        NOT NULL CHECK (type IN ('generator', 'grader')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, name)
);

-- A new version only when the body changes: the same body again is the existing version (body_hash).
CREATE TABLE prompt_version (
    id          bigserial PRIMARY KEY,
    template_id bigint      NOT NULL REFERENCES prompt_template (id),
    version     int         NOT NULL CHECK (version >= 1),
    body        text        NOT NULL CHECK (length(body) BETWEEN 1 AND 200000),
    body_hash   text        NOT NULL,
    variables   text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (template_id, version),
    UNIQUE (template_id, body_hash)
);

CREATE FUNCTION prompt_version_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'prompt versions are immutable (prompt_version id %)', OLD.id;
END $$;
CREATE TRIGGER prompt_version_immutable BEFORE UPDATE OR DELETE ON prompt_version
    FOR EACH ROW EXECUTE FUNCTION prompt_version_is_immutable();

-- A dataset: its columns in file order and its rows, each with its 0-based index and a SHA-256 of its values.
CREATE TABLE dataset (
    id           bigserial PRIMARY KEY,
    workspace_id bigint      NOT NULL REFERENCES workspace (id),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    format       text        NOT NULL CHECK (format IN ('csv', 'json')),
    columns      text[]      NOT NULL,
    row_count    int         NOT NULL CHECK (row_count >= 0),
    bytes        bigint      NOT NULL,
    checksum     text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dataset_workspace ON dataset (workspace_id, id);

CREATE TABLE dataset_row (
    dataset_id bigint NOT NULL REFERENCES dataset (id),
    row_index  int    NOT NULL CHECK (row_index >= 0),
    data       jsonb  NOT NULL,
    checksum   text   NOT NULL,
    PRIMARY KEY (dataset_id, row_index)
);

-- An experiment is its run (kind 'experiment', one row each) plus what it asks: the prompt version, the dataset
-- (none: one row without variables), the models (provider, temperature, maxTokens), the rule graders, and the grader
-- prompt with the provider it runs on.
CREATE TABLE experiment (
    id                       bigserial PRIMARY KEY,
    workspace_id             bigint      NOT NULL REFERENCES workspace (id),
    run_id                   bigint      NOT NULL UNIQUE REFERENCES run (id),
    prompt_version_id        bigint      NOT NULL REFERENCES prompt_version (id),
    dataset_id               bigint      REFERENCES dataset (id),
    models                   jsonb       NOT NULL,
    graders                  jsonb       NOT NULL DEFAULT '[]',
    grader_prompt_version_id bigint      REFERENCES prompt_version (id),
    grader_provider          text,
    samples                  int         NOT NULL CHECK (samples >= 1),
    row_count                int         NOT NULL CHECK (row_count >= 1),
    created_at               timestamptz NOT NULL DEFAULT now(),
    CHECK ((grader_prompt_version_id IS NULL) = (grader_provider IS NULL))
);
CREATE INDEX experiment_workspace ON experiment (workspace_id, id);

-- Where an experiment cell sits in the grid.
CREATE TABLE experiment_cell (
    cell_id       bigint      PRIMARY KEY REFERENCES cell (id),
    experiment_id bigint      NOT NULL REFERENCES experiment (id),
    model_index   int         NOT NULL CHECK (model_index >= 0),
    row_index     int         NOT NULL CHECK (row_index >= 0),
    sample        int         NOT NULL CHECK (sample >= 1)
);
CREATE INDEX experiment_cell_grid ON experiment_cell (experiment_id, cell_id);

-- Automatic grades of an experiment cell's answer: position i is the experiment's rule grader i, the grader prompt
-- comes after them. A grader that could not decide (its prompt's answer did not parse, a regex ran too long) has an
-- error and no pass: it is never counted as a pass. raw_answer keeps what a grader prompt answered. No foreign keys to
-- cell: the only writer is the analysis statement, with ids of the batch's own cells, and a key check would lock each
-- graded cell's row (as analysis_queue's did the run's, V3).
CREATE TABLE grade (
    cell_id        bigint           NOT NULL,
    position       int              NOT NULL CHECK (position >= 0),
    grader         text             NOT NULL,
    pass           boolean,
    score          double precision CHECK (score BETWEEN 0 AND 1),
    reason         text,
    error          text,
    raw_answer     text,
    grader_cell_id bigint,
    created_at     timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (cell_id, position),
    CHECK ((error IS NULL) = (pass IS NOT NULL))
);

-- Manual grades, kept as history: the latest wins over the automatic grade unless it is 'unset'.
CREATE TABLE manual_grade (
    id         bigserial   PRIMARY KEY,
    cell_id    bigint      NOT NULL REFERENCES cell (id),
    grade      text        NOT NULL CHECK (grade IN ('pass', 'fail', 'unset')),
    note       text        CHECK (length(note) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX manual_grade_cell ON manual_grade (cell_id, id);

-- The LLM judge's view of an analysed answer (sightline.analysis.judge), beside the analyzer's and never replacing
-- it. cache_key is the answer's hash with the judge's prompt version, model and the entities asked about: an answer
-- judged before is copied (cached_from), not sent again. A failed judgement keeps the judge's raw answer; metrics
-- then use the analyzer's sentiment. Written by the analysis statement only, like grade: no keys that lock responses.
CREATE TABLE judgement (
    response_id   bigint      PRIMARY KEY,
    workspace_id  bigint      NOT NULL,
    cache_key     text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('judged', 'failed')),
    judge_cell_id bigint,
    cached_from   bigint,
    verdict       jsonb,
    error         text,
    raw_answer    text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX judgement_cache ON judgement (workspace_id, cache_key) WHERE status = 'judged';

CREATE TABLE judged_sentiment (
    response_id     bigint           NOT NULL REFERENCES judgement (response_id),
    entity_id       bigint           NOT NULL REFERENCES entity (id),
    sentiment       text             NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative', 'mixed')),
    sentiment_score double precision NOT NULL CHECK (sentiment_score BETWEEN -1 AND 1),
    PRIMARY KEY (response_id, entity_id)
);
