package dev.sightline.provider;

/** What a codec made of an HTTP reply: an answer or a classified failure, never both. */
public record ProviderResult(Answer answer, ProviderFailure failure) {

    public static ProviderResult ok(Answer answer) {
        return new ProviderResult(answer, null);
    }

    public static ProviderResult failed(ProviderFailure failure) {
        return new ProviderResult(null, failure);
    }

    public boolean isOk() {
        return answer != null;
    }
}
