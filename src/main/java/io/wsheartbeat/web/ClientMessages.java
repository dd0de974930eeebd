package io.wsheartbeat.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.MessageSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.stereotype.Component;

/**
 * The text the page's JavaScript shows (log lines, state names, close code meanings): every key
 * of {@code messages.properties} that starts with {@code js.}, resolved for the request's locale
 * and serialised as one JSON object. The template puts it into a data attribute, so it reaches
 * the page as data, never as script.
 *
 * <p>Placeholders are {@code {name}}, filled in by {@code page.js}; the messages are resolved
 * without arguments, so {@link java.text.MessageFormat} never sees them.
 */
@Component
class ClientMessages {

	static final String PREFIX = "js.";

	private final MessageSource messageSource;

	private final JsonMapper jsonMapper;

	private final Iterable<String> keys;

	private final Map<Locale, String> json = new ConcurrentHashMap<>();

	ClientMessages(MessageSource messageSource, JsonMapper jsonMapper) {
		this.messageSource = messageSource;
		this.jsonMapper = jsonMapper;
		this.keys = clientKeys();
	}

	String asJson(Locale locale) {
		return this.json.computeIfAbsent(locale, this::render);
	}

	Map<String, String> resolve(Locale locale) {
		Map<String, String> messages = new TreeMap<>();
		for (String key : this.keys) {
			messages.put(key.substring(PREFIX.length()), this.messageSource.getMessage(key, null, key, locale));
		}
		return messages;
	}

	private String render(Locale locale) {
		return this.jsonMapper.writeValueAsString(resolve(locale));
	}

	private static Iterable<String> clientKeys() {
		try {
			Properties defaults = PropertiesLoaderUtils.loadProperties(new ClassPathResource("messages.properties"));
			return defaults.stringPropertyNames()
				.stream()
				.filter((key) -> key.startsWith(PREFIX))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("messages.properties is part of the application and must be readable", ex);
		}
	}

}
