package dev.sightline.config;

/** A setting is missing or invalid. The message names the setting; the app prints it on one line and exits. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
