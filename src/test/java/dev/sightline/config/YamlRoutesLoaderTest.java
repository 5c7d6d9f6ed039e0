package dev.sightline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * The app's YAML loader: files that define beans are pre-parsed as Camel does (their beans are there before any
 * route is built), files that do not are parsed once; both load their routes.
 */
class YamlRoutesLoaderTest {

    static final String BEANS = """
            - beans:
                - name: greeting
                  type: java.util.concurrent.atomic.AtomicInteger
                  constructors:
                    0: 7
            """;
    static final String ROUTE = """
            - route:
                id: uses-bean
                from:
                  uri: direct:in
                  steps:
                    - setBody:
                        simple: "${bean:greeting?method=get}"
            """;

    @Test
    void routesLoadWithAndWithoutBeansAndOnlyBeanFilesArePreParsed() throws Exception {
        try (CamelContext ctx = new DefaultCamelContext()) {
            YamlRoutesLoader.install(ctx);
            // the route file comes first: the beans of the second must be there when its route is built
            Resource route = ResourceHelper.fromString("route.yaml", ROUTE);
            Resource beans = ResourceHelper.fromString("beans.yaml", BEANS);
            assertThat(YamlRoutesLoader.mentionsBeans(route)).isFalse();
            assertThat(YamlRoutesLoader.mentionsBeans(beans)).isTrue();
            PluginHelper.getRoutesLoader(ctx).loadRoutes(List.of(route, beans));
            ctx.start();
            assertThat(ctx.getRegistry().lookupByName(YamlRoutesLoader.NAME)).isInstanceOf(YamlRoutesLoader.class);
            assertThat(ctx.getRoutes()).extracting(r -> r.getRouteId()).containsExactly("uses-bean");
            assertThat(ctx.createProducerTemplate().requestBody("direct:in", "x", String.class)).isEqualTo("7");
        }
    }

}
