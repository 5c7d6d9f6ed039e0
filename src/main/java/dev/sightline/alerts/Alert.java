package dev.sightline.alerts;

import java.util.Map;

/**
 * An alert about to be raised for a run.
 *
 * @param type      {@code visibility.changed}, {@code share_of_voice.changed} or {@code model.changed}
 * @param entityId  the entity whose metric moved; null for {@code model.changed}
 * @param direction {@code up} or {@code down}; null for {@code model.changed}
 * @param message   one sentence with the numbers
 * @param details   the numbers behind it (both windows' runs, n, hits and rates, the p-value; or both models)
 */
public record Alert(String type, String provider, Long entityId, String direction, String message,
                    Map<String, Object> details) {

    public static final String VISIBILITY = "visibility.changed";
    public static final String SHARE_OF_VOICE = "share_of_voice.changed";
    public static final String MODEL = "model.changed";
}
