package io.wsheartbeat.web;

import java.util.Locale;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The heartbeat page. It renders the server's {@code heartbeat.*} timings and the translated log
 * lines into data attributes, where {@code page.js} reads them: the client carries no timings and
 * no text of its own, and the page needs no inline script.
 */
@Controller
class PageController {

	private final HeartbeatProperties properties;

	private final ClientMessages clientMessages;

	PageController(HeartbeatProperties properties, ClientMessages clientMessages) {
		this.properties = properties;
		this.clientMessages = clientMessages;
	}

	@GetMapping("/")
	String index(Locale locale, Model model) {
		model.addAttribute("timings", ClientTimings.from(this.properties));
		model.addAttribute("clientMessages", this.clientMessages.asJson(locale));
		return "index";
	}

}
