package io.wsheartbeat.support;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need something of the machine (nginx, root, iproute2) are skipped with a message
 * where it is missing, and fail instead under {@code CI=true}: CI installs what they need, so
 * there a skip would hide a broken install step.
 */
public final class Prerequisites {

	private Prerequisites() {
	}

	public static boolean underCi() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

	public static void require(boolean present, String missing) {
		if (present) {
			return;
		}
		if (underCi()) {
			throw new AssertionError("Required under CI=true: " + missing);
		}
		Assumptions.abort("Skipped: " + missing);
	}

}
