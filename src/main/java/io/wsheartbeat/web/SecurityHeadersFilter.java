package io.wsheartbeat.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hardening headers on every response: the page, its scripts, the API, actuator, errors.
 *
 * <p>The Content-Security-Policy allows script only from this origin, so an injected
 * {@code <script>} or {@code onclick=} does not run: the page carries its timings as data
 * attributes and loads its code as modules from {@code /js/}. {@code connect-src 'self'} covers
 * the page's own {@code ws:}/{@code wss:} origin (CSP Level 3). A plain filter rather than Spring
 * Security: there is nothing to authenticate, and these headers are all it would add.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityHeadersFilter extends OncePerRequestFilter {

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
			+ "frame-ancestors 'none'";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		// Set before the chain runs: once a body is committed, headers can no longer be added.
		response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("Referrer-Policy", "no-referrer");
		// frame-ancestors above is the modern form; X-Frame-Options is for browsers without CSP 2.
		response.setHeader("X-Frame-Options", "DENY");
		chain.doFilter(request, response);
	}

	// Error pages are rendered in an ERROR dispatch of the same request: they get the headers too.
	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

}
