-- Pensieve's PostgreSQL schema (PyPI memos 0.37.0, alembic head 33a9131fe2ab), for bench/make-scale-pg.sh.
--
-- Made once by starting Pensieve on an empty database and dumping what it created:
--   PG_DIR=/tmp/pgb-schema PG_PORT=25440 scripts/postgres-up.sh start
--   PENSIEVE_SEED=0 PENSIEVE_PORT=28839 PENSIEVE_HOME=/tmp/pgb-pensieve-home \
--     PENSIEVE_PG_URL=postgresql://postgres@127.0.0.1:25440/pensieve scripts/pensieve-up.sh
--   pg_dump -h 127.0.0.1 -p 25440 -U postgres --schema-only --no-owner --no-privileges --section=pre-data pensieve
--   (the same with --section=post-data below the marker; pg_dump 15.18, `\restrict` lines removed)
-- Pensieve's entities_vec_v2 (pgvector) is absent, as in every database scripts/pensieve-up.sh makes:
-- Debian 12 has no pgvector package, and RecallFS never reads that table.
--
-- The file runs as a whole with `psql -f`. make-scale-pg.sh runs the part above the
-- "recallfs-bench: post-data" line before loading the data and the part below it (primary keys,
-- unique constraints, indexes, foreign keys) after, which is much faster than keeping them up to date
-- row by row. The one row of data is alembic_version's, which Pensieve checks at start.

--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: foldertype; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.foldertype AS ENUM (
    'DEFAULT',
    'DUMMY'
);


--
-- Name: librarykind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.librarykind AS ENUM (
    'record',
    'static'
);


--
-- Name: metadatasource; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.metadatasource AS ENUM (
    'USER_GENERATED',
    'SYSTEM_GENERATED',
    'PLUGIN_GENERATED'
);


--
-- Name: metadatatype; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.metadatatype AS ENUM (
    'JSON_DATA',
    'TEXT_DATA',
    'NUMBER_DATA'
);


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: entities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.entities (
    filepath character varying NOT NULL,
    filename character varying NOT NULL,
    size integer NOT NULL,
    file_created_at timestamp without time zone NOT NULL,
    file_last_modified_at timestamp without time zone NOT NULL,
    file_type character varying NOT NULL,
    file_type_group character varying NOT NULL,
    last_scan_at timestamp without time zone DEFAULT now(),
    library_id integer NOT NULL,
    folder_id integer NOT NULL,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: entities_fts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.entities_fts (
    id integer NOT NULL,
    filepath text,
    tags text,
    metadata text,
    search_vector tsvector GENERATED ALWAYS AS (((setweight(to_tsvector('simple'::regconfig, COALESCE(filepath, ''::text)), 'A'::"char") || setweight(to_tsvector('simple'::regconfig, COALESCE(tags, ''::text)), 'B'::"char")) || setweight(to_tsvector('simple'::regconfig, COALESCE(metadata, ''::text)), 'C'::"char"))) STORED,
    search_text text GENERATED ALWAYS AS (((((COALESCE(filepath, ''::text) || ' '::text) || COALESCE(tags, ''::text)) || ' '::text) || COALESCE(metadata, ''::text))) STORED
);


--
-- Name: entities_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.entities_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: entities_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.entities_id_seq OWNED BY public.entities.id;


--
-- Name: entity_plugin_status; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.entity_plugin_status (
    entity_id integer NOT NULL,
    plugin_id integer NOT NULL,
    processed_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: entity_tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.entity_tags (
    entity_id integer NOT NULL,
    tag_id integer NOT NULL,
    source public.metadatasource NOT NULL,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: entity_tags_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.entity_tags_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: entity_tags_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.entity_tags_id_seq OWNED BY public.entity_tags.id;


--
-- Name: folders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.folders (
    path character varying NOT NULL,
    library_id integer NOT NULL,
    type public.foldertype NOT NULL,
    last_modified_at timestamp without time zone NOT NULL,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: folders_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.folders_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: folders_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.folders_id_seq OWNED BY public.folders.id;


--
-- Name: libraries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.libraries (
    name character varying NOT NULL,
    kind public.librarykind DEFAULT 'static'::public.librarykind NOT NULL,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: libraries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.libraries_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: libraries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.libraries_id_seq OWNED BY public.libraries.id;


--
-- Name: library_plugins; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.library_plugins (
    library_id integer NOT NULL,
    plugin_id integer NOT NULL,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: library_plugins_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.library_plugins_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: library_plugins_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.library_plugins_id_seq OWNED BY public.library_plugins.id;


--
-- Name: metadata_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.metadata_entries (
    entity_id integer NOT NULL,
    key character varying NOT NULL,
    value text NOT NULL,
    source_type public.metadatasource NOT NULL,
    source character varying,
    data_type public.metadatatype NOT NULL,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: metadata_entries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.metadata_entries_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: metadata_entries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.metadata_entries_id_seq OWNED BY public.metadata_entries.id;


--
-- Name: plugins; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.plugins (
    name character varying NOT NULL,
    description text,
    webhook_url character varying NOT NULL,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: plugins_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.plugins_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: plugins_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.plugins_id_seq OWNED BY public.plugins.id;


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    name character varying NOT NULL,
    description text,
    color character varying,
    id integer NOT NULL,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: tags_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.tags_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tags_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.tags_id_seq OWNED BY public.tags.id;


--
-- Name: entities id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entities ALTER COLUMN id SET DEFAULT nextval('public.entities_id_seq'::regclass);


--
-- Name: entity_tags id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entity_tags ALTER COLUMN id SET DEFAULT nextval('public.entity_tags_id_seq'::regclass);


--
-- Name: folders id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.folders ALTER COLUMN id SET DEFAULT nextval('public.folders_id_seq'::regclass);


--
-- Name: libraries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.libraries ALTER COLUMN id SET DEFAULT nextval('public.libraries_id_seq'::regclass);


--
-- Name: library_plugins id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.library_plugins ALTER COLUMN id SET DEFAULT nextval('public.library_plugins_id_seq'::regclass);


--
-- Name: metadata_entries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metadata_entries ALTER COLUMN id SET DEFAULT nextval('public.metadata_entries_id_seq'::regclass);


--
-- Name: plugins id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plugins ALTER COLUMN id SET DEFAULT nextval('public.plugins_id_seq'::regclass);


--
-- Name: tags id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags ALTER COLUMN id SET DEFAULT nextval('public.tags_id_seq'::regclass);


--
-- PostgreSQL database dump complete
--


--
-- Data: the migration Pensieve's database is at.
--

INSERT INTO public.alembic_version (version_num) VALUES ('33a9131fe2ab');

-- recallfs-bench: post-data
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: entities_fts entities_fts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entities_fts
    ADD CONSTRAINT entities_fts_pkey PRIMARY KEY (id);


--
-- Name: entities entities_library_filepath_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entities
    ADD CONSTRAINT entities_library_filepath_unique UNIQUE (library_id, filepath);


--
-- Name: entities entities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entities
    ADD CONSTRAINT entities_pkey PRIMARY KEY (id);


--
-- Name: entity_plugin_status entity_plugin_status_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entity_plugin_status
    ADD CONSTRAINT entity_plugin_status_pkey PRIMARY KEY (entity_id, plugin_id);


--
-- Name: entity_tags entity_tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entity_tags
    ADD CONSTRAINT entity_tags_pkey PRIMARY KEY (id);


--
-- Name: folders folders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.folders
    ADD CONSTRAINT folders_pkey PRIMARY KEY (id);


--
-- Name: libraries libraries_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.libraries
    ADD CONSTRAINT libraries_name_key UNIQUE (name);


--
-- Name: libraries libraries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.libraries
    ADD CONSTRAINT libraries_pkey PRIMARY KEY (id);


--
-- Name: library_plugins library_plugins_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.library_plugins
    ADD CONSTRAINT library_plugins_pkey PRIMARY KEY (id);


--
-- Name: metadata_entries metadata_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metadata_entries
    ADD CONSTRAINT metadata_entries_pkey PRIMARY KEY (id);


--
-- Name: plugins plugins_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plugins
    ADD CONSTRAINT plugins_pkey PRIMARY KEY (id);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (id);


--
-- Name: idx_entities_fts_filepath_trgm; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_entities_fts_filepath_trgm ON public.entities_fts USING gin (filepath public.gin_trgm_ops);


--
-- Name: idx_entities_fts_search_text_trgm; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_entities_fts_search_text_trgm ON public.entities_fts USING gin (search_text public.gin_trgm_ops);


--
-- Name: idx_entities_fts_search_vector; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_entities_fts_search_vector ON public.entities_fts USING gin (search_vector);


--
-- Name: idx_entity_plugin_entity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_entity_plugin_entity_id ON public.entity_plugin_status USING btree (entity_id);


--
-- Name: idx_entity_plugin_plugin_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_entity_plugin_plugin_id ON public.entity_plugin_status USING btree (plugin_id);


--
-- Name: idx_entity_tag_entity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_entity_tag_entity_id ON public.entity_tags USING btree (entity_id);


--
-- Name: idx_entity_tag_tag_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_entity_tag_tag_id ON public.entity_tags USING btree (tag_id);


--
-- Name: idx_file_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_file_created_at ON public.entities USING btree (file_created_at);


--
-- Name: idx_file_type; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_file_type ON public.entities USING btree (file_type);


--
-- Name: idx_file_type_group; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_file_type_group ON public.entities USING btree (file_type_group);


--
-- Name: idx_filename; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_filename ON public.entities USING btree (filename);


--
-- Name: idx_filepath; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_filepath ON public.entities USING btree (filepath);


--
-- Name: idx_folder_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_folder_id ON public.entities USING btree (folder_id);


--
-- Name: idx_library_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_library_id ON public.entities USING btree (library_id);


--
-- Name: idx_metadata_entity_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_metadata_entity_id ON public.metadata_entries USING btree (entity_id);


--
-- Name: idx_metadata_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_metadata_key ON public.metadata_entries USING btree (key);


--
-- Name: entities entities_folder_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entities
    ADD CONSTRAINT entities_folder_id_fkey FOREIGN KEY (folder_id) REFERENCES public.folders(id);


--
-- Name: entities entities_library_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entities
    ADD CONSTRAINT entities_library_id_fkey FOREIGN KEY (library_id) REFERENCES public.libraries(id);


--
-- Name: entity_plugin_status entity_plugin_status_entity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entity_plugin_status
    ADD CONSTRAINT entity_plugin_status_entity_id_fkey FOREIGN KEY (entity_id) REFERENCES public.entities(id) ON DELETE CASCADE;


--
-- Name: entity_plugin_status entity_plugin_status_plugin_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entity_plugin_status
    ADD CONSTRAINT entity_plugin_status_plugin_id_fkey FOREIGN KEY (plugin_id) REFERENCES public.plugins(id) ON DELETE CASCADE;


--
-- Name: entity_tags entity_tags_entity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entity_tags
    ADD CONSTRAINT entity_tags_entity_id_fkey FOREIGN KEY (entity_id) REFERENCES public.entities(id) ON DELETE CASCADE;


--
-- Name: entity_tags entity_tags_tag_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.entity_tags
    ADD CONSTRAINT entity_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES public.tags(id);


--
-- Name: folders folders_library_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.folders
    ADD CONSTRAINT folders_library_id_fkey FOREIGN KEY (library_id) REFERENCES public.libraries(id);


--
-- Name: library_plugins library_plugins_library_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.library_plugins
    ADD CONSTRAINT library_plugins_library_id_fkey FOREIGN KEY (library_id) REFERENCES public.libraries(id);


--
-- Name: library_plugins library_plugins_plugin_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.library_plugins
    ADD CONSTRAINT library_plugins_plugin_id_fkey FOREIGN KEY (plugin_id) REFERENCES public.plugins(id);


--
-- Name: metadata_entries metadata_entries_entity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metadata_entries
    ADD CONSTRAINT metadata_entries_entity_id_fkey FOREIGN KEY (entity_id) REFERENCES public.entities(id);


--
-- PostgreSQL database dump complete
--


