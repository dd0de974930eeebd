package io.wsheartbeat.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the Debian packages {@code chromium} and {@code chromium-driver}, driven
 * by Selenium. The driver executable is given explicitly, so Selenium Manager never downloads a
 * browser or a driver.
 *
 * <p>Without Chromium the browser tests are skipped, with the command that installs it; in CI
 * ({@code CI=true}) or with {@code -Dbrowser.tests.required=true} they fail instead, so a build
 * that silently skipped them cannot pass.
 */
final class Browser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static final String INSTALL = "install with: apt-get install -y chromium chromium-driver";

	private final ChromeDriver driver;

	private final Path userDataDir;

	private Browser(ChromeDriver driver, Path userDataDir) {
		this.driver = driver;
		this.userDataDir = userDataDir;
	}

	/** A fresh browser with a laptop-sized window; skipped (or failed in CI) without Chromium. */
	static Browser start() {
		return start(1280, 900);
	}

	static Browser start(int width, int height) {
		assumeInstalled();
		Path userDataDir = createTempDir();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--lang=en-US", "--window-size=" + width + "," + height,
				"--user-data-dir=" + userDataDir);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(CHROMEDRIVER.toString()))
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
		return new Browser(driver, userDataDir);
	}

	static boolean required() {
		return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("browser.tests.required");
	}

	static void assumeInstalled() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		String message = "Chromium or chromedriver missing (" + CHROMIUM + ", " + CHROMEDRIVER + "); " + INSTALL;
		if (!installed && required()) {
			Assertions.fail(message + ". Browser tests are required here (CI=true or -Dbrowser.tests.required).");
		}
		Assumptions.assumeTrue(installed, message);
	}

	ChromeDriver driver() {
		return this.driver;
	}

	void open(String url) {
		this.driver.manage().deleteAllCookies();
		this.driver.get(url);
	}

	/** The log entries of one event, in order. */
	List<WebElement> entries(String event) {
		return this.driver.findElements(By.cssSelector("#log li[data-event='" + event + "']"));
	}

	List<WebElement> entries() {
		return this.driver.findElements(By.cssSelector("#log li"));
	}

	String state() {
		return this.driver.findElement(By.id("state")).getDomAttribute("data-state");
	}

	WebElement byId(String id) {
		return this.driver.findElement(By.id(id));
	}

	/**
	 * Sets the exact viewport (CSS pixels); {@code mobile} also emulates a phone's device pixel
	 * ratio and touch, for the phone layout.
	 */
	void viewport(int width, int height, boolean mobile) {
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
				"height", height, "deviceScaleFactor", mobile ? 2 : 1, "mobile", mobile));
	}

	Object script(String script, Object... args) {
		return this.driver.executeScript(script, args);
	}

	Object asyncScript(String script, Object... args) {
		return this.driver.executeAsyncScript(script, args);
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			deleteRecursively(this.userDataDir);
		}
	}

	private static Path createTempDir() {
		try {
			return Files.createTempDirectory("heartbeat-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteRecursively(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// A leftover profile in the temp directory is harmless; the test result is what matters.
		}
	}

}
