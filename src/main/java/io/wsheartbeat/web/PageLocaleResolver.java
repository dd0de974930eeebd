package io.wsheartbeat.web;

import java.util.Collections;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.i18n.LocaleContext;
import org.springframework.context.i18n.SimpleLocaleContext;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;

/**
 * A cookie resolver that only ever answers with a language the page has messages for. Without
 * this, {@code ?lang=fr} or {@code Accept-Language: zh-TW} would reach the message source as a
 * locale it has no file for, and the page's {@code lang} attribute would claim a language the
 * text is not in.
 */
class PageLocaleResolver extends CookieLocaleResolver {

	static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.SIMPLIFIED_CHINESE);

	PageLocaleResolver() {
		super("heartbeat-lang");
		setDefaultLocaleFunction(PageLocaleResolver::fromAcceptLanguage);
	}

	/** The supported locale with the same language, or English. */
	static Locale supported(Locale locale) {
		return SUPPORTED.stream()
			.filter((candidate) -> candidate.getLanguage().equals(locale.getLanguage()))
			.findFirst()
			.orElse(Locale.ENGLISH);
	}

	private static Locale fromAcceptLanguage(HttpServletRequest request) {
		if (request.getHeader("Accept-Language") == null) {
			return Locale.ENGLISH;
		}
		return Collections.list(request.getLocales())
			.stream()
			.filter((locale) -> SUPPORTED.stream().anyMatch((s) -> s.getLanguage().equals(locale.getLanguage())))
			.findFirst()
			.map(PageLocaleResolver::supported)
			.orElse(Locale.ENGLISH);
	}

	@Override
	protected Locale parseLocaleValue(String localeValue) {
		Locale locale = super.parseLocaleValue(localeValue);
		return (locale != null) ? supported(locale) : null;
	}

	@Override
	public void setLocaleContext(HttpServletRequest request, HttpServletResponse response,
			LocaleContext localeContext) {
		Locale locale = (localeContext != null) ? localeContext.getLocale() : null;
		super.setLocaleContext(request, response,
				(locale != null) ? new SimpleLocaleContext(supported(locale)) : localeContext);
	}

}
