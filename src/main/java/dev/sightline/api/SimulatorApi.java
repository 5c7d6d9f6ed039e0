package dev.sightline.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.Exchange;

import dev.sightline.simulator.KindStats;
import dev.sightline.simulator.Simulator;

/**
 * {@code GET /api/simulator}: per provider kind, the base URL that kind's official SDK would take and how many
 * requests the simulator answered for the caller's workspace (never another workspace's traffic), so tests can
 * prove each cell was called once.
 */
public final class SimulatorApi {

    private final Supplier<Simulator> simulator;

    public SimulatorApi(Supplier<Simulator> simulator) {
        this.simulator = simulator;
    }

    public void stats(Exchange ex) {
        long ws = ApiAuth.workspace(ex);
        Simulator sim = simulator.get();
        Map<String, Object> providers = new LinkedHashMap<>();
        if (sim != null) {
            for (Map.Entry<String, KindStats> e : sim.stats().entrySet()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("baseUrl", e.getValue().baseUrl());
                m.put("served", sim.served(e.getKey(), ws));
                providers.put(e.getKey(), m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", sim != null);
        out.put("providers", providers);
        Http.reply(ex, 200, out);
    }
}
