package io.wsheartbeat.web;

import java.util.Locale;

import io.wsheartbeat.cluster.ClusterProperties;
import io.wsheartbeat.demo.DemoProperties;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.ShutdownProperties;
import io.wsheartbeat.presence.PresenceProperties;
import io.wsheartbeat.sessions.ViewProperties;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The demo's pages: the heartbeat page, the server's view of its sessions, and the restart
 * storm. The heartbeat page renders the server's {@code heartbeat.*} timings and the translated log
 * lines into data attributes, where {@code page.js} reads them: the client carries no timings and
 * no text of its own, and the page needs no inline script. In cluster mode the pages show which
 * node the page is connected to, and each session's node. With presence on, the heartbeat page
 * shows its own presence and who else is there.
 */
@Controller
class PageController {

	private final HeartbeatProperties properties;

	private final DemoProperties demo;

	private final ViewProperties view;

	private final ClusterProperties cluster;

	private final ClientMessages clientMessages;

	private final ShutdownProperties shutdown;

	private final PresenceProperties presence;

	PageController(HeartbeatProperties properties, DemoProperties demo, ViewProperties view, ClusterProperties cluster,
			ClientMessages clientMessages, ShutdownProperties shutdown, PresenceProperties presence) {
		this.shutdown = shutdown;
		this.presence = presence;
		this.properties = properties;
		this.demo = demo;
		this.view = view;
		this.cluster = cluster;
		this.clientMessages = clientMessages;
	}

	@GetMapping("/")
	String index(Locale locale, Model model) {
		model.addAttribute("timings", ClientTimings.from(this.properties));
		model.addAttribute("demo", DemoControls.from(this.properties, this.demo, this.cluster, this.shutdown));
		model.addAttribute("clientMessages", this.clientMessages.asJson(locale));
		model.addAttribute("viewEnabled", this.view.enabled());
		// Off, the page renders no presence at all, so its script asks nothing of /api/presence.
		model.addAttribute("presenceEnabled", this.presence.enabled());
		model.addAttribute("presenceKeepOffline", this.presence.keepOffline().toMillis());
		model.addAttribute("clusterEnabled", this.cluster.enabled());
		model.addAttribute("nav", "home");
		return "index";
	}

	/** Every session as the server sees it, live, on a page of its own. */
	@GetMapping("/sessions")
	String sessions(Locale locale, Model model) {
		model.addAttribute("clientMessages", this.clientMessages.asJson(locale));
		model.addAttribute("viewEnabled", this.view.enabled());
		model.addAttribute("clusterEnabled", this.cluster.enabled());
		model.addAttribute("nav", "sessions");
		return "sessions";
	}

	/** The restart storm: full jitter next to a fixed delay. */
	@GetMapping("/storm")
	String storm(Locale locale, Model model) {
		model.addAttribute("demo", DemoControls.from(this.properties, this.demo, this.cluster, this.shutdown));
		model.addAttribute("clientMessages", this.clientMessages.asJson(locale));
		model.addAttribute("nav", "storm");
		return "storm";
	}

}
