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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
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
final class Browser implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static final String INSTALL = "install with: apt-get install -y chromium chromium-driver";

	private final int width;

	private final int height;

	private ChromeDriver driver;

	private Path userDataDir;

	private Browser(int width, int height) {
		this.width = width;
		this.height = height;
	}

	/**
	 * One browser for a test class, as a JUnit extension ({@code @RegisterExtension}): started
	 * before the class's first test, closed after its last.
	 */
	static Browser perTestClass() {
		return new Browser(1280, 900);
	}

	/** A fresh browser with a laptop-sized window; skipped (or failed in CI) without Chromium. */
	static Browser start() {
		return start(1280, 900);
	}

	static Browser start(int width, int height) {
		Browser browser = new Browser(width, height);
		browser.launch();
		return browser;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		launch();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	private void launch() {
		assumeInstalled();
		Path userDataDir = createTempDir();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--lang=en-US", "--window-size=" + this.width + "," + this.height,
				"--user-data-dir=" + userDataDir);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(CHROMEDRIVER.toString()))
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
		driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
		this.driver = driver;
		this.userDataDir = userDataDir;
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

	/** The last log entry of one event; fails when there is none. */
	WebElement last(String event) {
		List<WebElement> entries = entries(event);
		Assertions.assertFalse(entries.isEmpty(), "no log entry " + event);
		return entries.get(entries.size() - 1);
	}

	/** The session id the page shows (from the server's welcome). */
	String sessionId() {
		return byId("session").getText();
	}

	/**
	 * The server's view row of one session, in the page's panel or on /sessions, read in one
	 * script call (the rows are rebuilt at every update, so element references go stale): its
	 * {@code state}, {@code liveness}, {@code closeCode}, {@code own} and {@code text}; empty if
	 * the row is not shown.
	 */
	Map<String, Object> sessionRow(String sessionId) {
		@SuppressWarnings("unchecked")
		Map<String, Object> row = (Map<String, Object>) script("""
				const row = [...document.querySelectorAll('#sessions-body tr')]
				  .find((tr) => tr.dataset.session === arguments[0]);
				return row ? {
				  state: row.dataset.state, liveness: row.dataset.liveness ?? null,
				  closeCode: row.dataset.closeCode ?? null, own: row.classList.contains('row-own'),
				  you: row.querySelector('.you')?.textContent ?? null,
				  fill: row.querySelector('.silence-fill')?.style.width ?? null, text: row.innerText,
				} : {};
				""", sessionId);
		return row;
	}

	/**
	 * The whole page rather than the window: the viewport is stretched to the document's height
	 * (twice, in case the taller viewport changed the layout).
	 */
	byte[] fullPageScreenshot(int width) {
		for (int i = 0; i < 2; i++) {
			long height = (Long) script("return Math.ceil(document.body.getBoundingClientRect().height);");
			viewport(width, (int) height, false);
		}
		return this.driver.getScreenshotAs(OutputType.BYTES);
	}

	Object script(String script, Object... args) {
		return this.driver.executeScript(script, args);
	}

	Object asyncScript(String script, Object... args) {
		return this.driver.executeAsyncScript(script, args);
	}

	@Override
	public void close() {
		if (this.driver == null) {
			return; // never started: Chromium is missing and the tests were skipped
		}
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
