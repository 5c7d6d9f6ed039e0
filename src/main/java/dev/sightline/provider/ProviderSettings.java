package dev.sightline.provider;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * One configured provider, from {@code sightline.providers.<name>.*}.
 *
 * @param name               the provider's name in properties, cells and metrics (e.g. {@code openai})
 * @param kind               one of {@link ProviderKinds}
 * @param model              model requested
 * @param baseUrl            what the provider's official SDK takes as base URL, without a trailing slash
 * @param apiKey             from the environment; empty for endpoints that need none (Ollama)
 * @param webSearch          ask for the provider's web search / grounding tool
 * @param temperature        null: leave the provider's default
 * @param maxTokens          output token limit
 * @param requestsPerMinute  this node's share of the provider's request limit
 * @param consumers          concurrent calls from this node
 * @param timeout            per call
 * @param priceInputPerMTok  USD per million input tokens
 * @param priceOutputPerMTok USD per million output tokens
 * @param pricePerRequest    USD per request (Perplexity request fees)
 * @param pricePerSearch     USD per web search call (OpenAI / Anthropic web search tools)
 * @param enabled            disabled providers are configured but never called
 * @param circuit            its circuit breaker
 */
public record ProviderSettings(
        String name,
        String kind,
        String model,
        String baseUrl,
        Secret apiKey,
        boolean webSearch,
        Double temperature,
        int maxTokens,
        int requestsPerMinute,
        int consumers,
        Duration timeout,
        BigDecimal priceInputPerMTok,
        BigDecimal priceOutputPerMTok,
        BigDecimal pricePerRequest,
        BigDecimal pricePerSearch,
        boolean enabled,
        CircuitSettings circuit) {

    /** These settings with a call's own temperature and output limit (null keeps the provider's). */
    public ProviderSettings withModelParameters(Double temperature, Integer maxTokens) {
        if (temperature == null && maxTokens == null) {
            return this;
        }
        return new ProviderSettings(name, kind, model, baseUrl, apiKey, webSearch,
                temperature != null ? temperature : this.temperature, maxTokens != null ? maxTokens : this.maxTokens,
                requestsPerMinute, consumers, timeout, priceInputPerMTok, priceOutputPerMTok, pricePerRequest,
                pricePerSearch, enabled, circuit);
    }

    public ProviderSettings withBaseUrl(String url) {
        return new ProviderSettings(name, kind, model, url, apiKey, webSearch, temperature, maxTokens,
                requestsPerMinute, consumers, timeout, priceInputPerMTok, priceOutputPerMTok, pricePerRequest,
                pricePerSearch, enabled, circuit);
    }
}
