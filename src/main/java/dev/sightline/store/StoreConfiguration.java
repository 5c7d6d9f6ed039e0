package dev.sightline.store;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import dev.sightline.config.Config;

/**
 * The database: the typed settings every feature reads, the connection pool (an embedded PostgreSQL when no URL is
 * set) with the schema migrated, and {@code dataSource} for camel-jdbc. The database is closed by the application
 * after Camel has stopped, so calls in flight can still store their outcome.
 */
public final class StoreConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "config", lazy = true)
    public Config config(CamelContext ctx) {
        return new Config(ctx.getPropertiesComponent()::resolveProperty);
    }

    /** Opened by the application on a thread of its own while Camel starts (SightlineApp). */
    @BindToRegistry(value = "database", lazy = true)
    public Database database(dev.sightline.config.Lifecycle lifecycle) {
        return lifecycle.database();
    }

    @BindToRegistry(value = "dataSource", lazy = true)
    public DataSource dataSource(Database database) {
        return database.dataSource();
    }

    @BindToRegistry(value = "jdbc", lazy = true)
    public Jdbc jdbc(Database database) {
        return new Jdbc(database.dataSource());
    }

    /** The embedded database's folder, relative to the working folder. */
    static Path embeddedDir(Config config) {
        return Path.of(config.string("sightline.db.embedded.dir", "data/postgres"));
    }
}
