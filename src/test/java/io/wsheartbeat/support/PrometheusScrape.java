package io.wsheartbeat.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@code /actuator/prometheus} answered, read as Prometheus reads its text format: samples
 * by name and labels, and each metric's help line.
 */
public final class PrometheusScrape {

	private final Map<String, Double> samples = new LinkedHashMap<>();

	private final Map<String, String> help = new LinkedHashMap<>();

	private PrometheusScrape() {
	}

	public static PrometheusScrape parse(String text) {
		PrometheusScrape scrape = new PrometheusScrape();
		for (String line : text.split("\n")) {
			if (line.startsWith("# HELP ")) {
				String rest = line.substring("# HELP ".length());
				int space = rest.indexOf(' ');
				scrape.help.put(rest.substring(0, space), rest.substring(space + 1));
			}
			else if (!line.isBlank() && !line.startsWith("#")) {
				int space = line.lastIndexOf(' ');
				scrape.samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
			}
		}
		return scrape;
	}

	/**
	 * One sample, as written: its name, with its labels where it has any, e.g.
	 * {@code heartbeat_errors_total{cause="transport"}}.
	 * @throws AssertionError if the scrape has no such sample
	 */
	public double value(String sample) {
		Double value = this.samples.get(sample);
		if (value == null) {
			throw new AssertionError("no sample " + sample + " in the scrape; it has " + this.samples.keySet());
		}
		return value;
	}

	/** Every sample's name with its labels. */
	public Set<String> samples() {
		return this.samples.keySet();
	}

	/** The metric's help line, or {@code null}: Micrometer writes the meter's description there. */
	public String help(String metric) {
		return this.help.get(metric);
	}

}
