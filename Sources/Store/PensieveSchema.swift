/// Pensieve's SQLite schema (memos 0.37.0 after `memos init` and every migration, alembic head
/// 33a9131fe2ab), without its FTS5 and sqlite-vec tables, which need extensions. `recallfs index` writes
/// databases in exactly this shape, so that Pensieve itself and RecallFS read them alike.
enum PensieveSchema {
    static let sql = """

        CREATE TABLE libraries (
        	name VARCHAR NOT NULL,
        	kind VARCHAR(6) DEFAULT 'static' NOT NULL,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (id),
        	UNIQUE (name)
        );
        CREATE TABLE tags (
        	name VARCHAR NOT NULL,
        	description TEXT,
        	color VARCHAR,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (id)
        );
        CREATE TABLE plugins (
        	name VARCHAR NOT NULL,
        	description TEXT,
        	webhook_url VARCHAR NOT NULL,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (id)
        );
        CREATE TABLE folders (
        	path VARCHAR NOT NULL,
        	library_id INTEGER NOT NULL,
        	type VARCHAR(7) NOT NULL,
        	last_modified_at DATETIME NOT NULL,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (id),
        	FOREIGN KEY(library_id) REFERENCES libraries (id)
        );
        CREATE TABLE library_plugins (
        	library_id INTEGER NOT NULL,
        	plugin_id INTEGER NOT NULL,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (id),
        	FOREIGN KEY(library_id) REFERENCES libraries (id),
        	FOREIGN KEY(plugin_id) REFERENCES plugins (id)
        );
        CREATE TABLE entity_plugin_status (
        	entity_id INTEGER NOT NULL,
        	plugin_id INTEGER NOT NULL,
        	processed_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (entity_id, plugin_id),
        	FOREIGN KEY(entity_id) REFERENCES entities (id) ON DELETE CASCADE,
        	FOREIGN KEY(plugin_id) REFERENCES plugins (id) ON DELETE CASCADE
        );
        CREATE INDEX idx_entity_plugin_entity_id ON entity_plugin_status (entity_id);
        CREATE INDEX idx_entity_plugin_plugin_id ON entity_plugin_status (plugin_id);
        CREATE TABLE entity_tags (
        	entity_id INTEGER NOT NULL,
        	tag_id INTEGER NOT NULL,
        	source VARCHAR(16) NOT NULL,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (id),
        	FOREIGN KEY(entity_id) REFERENCES entities (id) ON DELETE CASCADE,
        	FOREIGN KEY(tag_id) REFERENCES tags (id)
        );
        CREATE INDEX idx_entity_tag_tag_id ON entity_tags (tag_id);
        CREATE INDEX idx_entity_tag_entity_id ON entity_tags (entity_id);
        CREATE TABLE metadata_entries (
        	entity_id INTEGER NOT NULL,
        	"key" VARCHAR NOT NULL,
        	value TEXT NOT NULL,
        	source_type VARCHAR(16) NOT NULL,
        	source VARCHAR,
        	data_type VARCHAR(11) NOT NULL,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
        	PRIMARY KEY (id),
        	FOREIGN KEY(entity_id) REFERENCES entities (id)
        );
        CREATE INDEX idx_metadata_entity_id ON metadata_entries (entity_id);
        CREATE INDEX idx_metadata_key ON metadata_entries ("key");
        CREATE TABLE alembic_version (
        	version_num VARCHAR(32) NOT NULL,
        	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
        );
        CREATE INDEX idx_metadata_active_app
                    ON metadata_entries(key, entity_id, value)
                    WHERE key = 'active_app';
        CREATE TABLE IF NOT EXISTS "entities" (
        	filepath VARCHAR NOT NULL,
        	filename VARCHAR NOT NULL,
        	size INTEGER NOT NULL,
        	file_created_at DATETIME NOT NULL,
        	file_last_modified_at DATETIME NOT NULL,
        	file_type VARCHAR NOT NULL,
        	file_type_group VARCHAR NOT NULL,
        	last_scan_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
        	library_id INTEGER NOT NULL,
        	folder_id INTEGER NOT NULL,
        	id INTEGER NOT NULL,
        	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
        	updated_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
        	PRIMARY KEY (id),
        	CONSTRAINT entities_library_filepath_unique UNIQUE (library_id, filepath),
        	FOREIGN KEY(library_id) REFERENCES libraries (id),
        	FOREIGN KEY(folder_id) REFERENCES folders (id)
        );
        CREATE INDEX idx_filepath ON entities (filepath);
        CREATE INDEX idx_folder_id ON entities (folder_id);
        CREATE INDEX idx_library_id ON entities (library_id);
        CREATE INDEX idx_file_type ON entities (file_type);
        CREATE INDEX idx_file_type_group ON entities (file_type_group);
        CREATE INDEX idx_file_created_at ON entities (file_created_at);
        CREATE INDEX idx_filename ON entities (filename);
        INSERT INTO alembic_version VALUES ('33a9131fe2ab');
        """
}
