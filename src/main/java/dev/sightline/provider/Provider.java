package dev.sightline.provider;

/**
 * A configured provider ready to call: its settings (base URL already pointing at the simulator when it is
 * simulated) and the codec of its kind.
 */
public record Provider(ProviderSettings settings, ProviderCodec codec, boolean simulated) {

    public String name() {
        return settings.name();
    }
}
