package dev.sightline.simulator;

/**
 * What one provider kind of the simulator has done since start or the last {@link Simulator#reset()}.
 *
 * @param baseUrl      what the kind's official SDK takes as base URL
 * @param served       requests received for the kind, whatever became of them (answers, errors, timeouts)
 * @param answered     HTTP 200 replies with a well-formed answer
 * @param rateLimited  429 replies
 * @param serverErrors 500 replies
 * @param overloaded   529 (anthropic) or 503 replies
 * @param timeouts     requests held and then dropped without a reply
 * @param malformed    HTTP 200 replies whose body is an HTML page or truncated JSON
 * @param unauthorized 401 replies, missing credentials or injected
 * @param rejected     400 and 404 replies (bad JSON, missing fields, unknown paths)
 */
public record KindStats(String baseUrl, long served, long answered, long rateLimited, long serverErrors,
                        long overloaded, long timeouts, long malformed, long unauthorized, long rejected) {
}
