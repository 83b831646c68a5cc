import GRDB

/// The registry's schema, one migration per version; a migration, once released, never changes.
enum RegistryMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, metrics, artifacts") { db in
            try db.create(table: "runs") { t in
                t.primaryKey("id", .text)
                t.column("task", .text).notNull()
                t.column("subtask", .text).notNull()
                t.column("spec", .text).notNull()
                t.column("results_dir", .text).notNull()
                t.column("host", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("process_start", .integer)
                t.column("start_time", .datetime).notNull().indexed()
                t.column("end_time", .datetime)
                t.column("status", .text).notNull()
                t.column("error", .text)
            }
            try db.create(index: "runs_on_task_start", on: "runs", columns: ["task", "start_time"])
            try db.create(table: "metrics") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run", .text).notNull().references("runs", onDelete: .cascade)
                t.column("epoch", .integer)
                t.column("step", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("value", .double)
            }
            try db.create(index: "metrics_on_run_name", on: "metrics", columns: ["run", "name"])
            try db.create(table: "artifacts") { t in
                t.column("run", .text).notNull().references("runs", onDelete: .cascade)
                t.column("path", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("bytes", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.primaryKey(["run", "path"])
            }
        }
        return migrator
    }
}
