package io.wsheartbeat.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Debian's nginx on a free loopback port, stopped and its files removed on {@link #close()}:
 * either a reverse proxy in front of one server ({@link #proxyTo}, the config
 * docs/reverse-proxy.md shows, with the test's read timeout), or the cluster's load balancer
 * ({@link #balance}, {@code src/cluster/nginx.conf}). Public for the browser tests that put the
 * page behind it.
 */
public final class Nginx implements AutoCloseable {

	private static final Path BINARY = Path.of("/usr/sbin/nginx");

	private static final Path CLUSTER_CONFIG = Path.of("src/cluster/nginx.conf");

	private final Process process;

	private final Path directory;

	private final int port;

	private Nginx(Process process, Path directory, int port) {
		this.process = process;
		this.directory = directory;
		this.port = port;
	}

	/**
	 * Whether nginx can run here; where it cannot, the tests that need it are skipped, except under
	 * {@code CI=true}, where {@code .ci/run} installs it and they must run.
	 */
	public static void assumeInstalled() {
		Prerequisites.require(Files.isExecutable(BINARY),
				"nginx is not installed at " + BINARY + " (apt-get install -y nginx-light)");
	}

	public static Nginx proxyTo(int appPort, Duration readTimeout) throws IOException {
		Path directory = Files.createTempDirectory("heartbeat-nginx-");
		int port = freePort();
		String config = """
				worker_processes 1;
				daemon off;
				master_process on;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log info;
				events { worker_connections 1024; }
				http {
				    access_log off;
				    client_body_temp_path %1$s/body;
				    proxy_temp_path %1$s/proxy;
				    fastcgi_temp_path %1$s/fastcgi;
				    uwsgi_temp_path %1$s/uwsgi;
				    scgi_temp_path %1$s/scgi;
				    map $http_upgrade $connection_upgrade {
				        default upgrade;
				        ''      close;
				    }
				    server {
				        listen 127.0.0.1:%2$d;
				        location / {
				            proxy_pass http://127.0.0.1:%3$d;
				            proxy_http_version 1.1;
				            proxy_set_header Upgrade $http_upgrade;
				            proxy_set_header Connection $connection_upgrade;
				            proxy_set_header Host $http_host;
				            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
				            proxy_set_header X-Forwarded-Proto $scheme;
				            proxy_read_timeout %4$ds;
				            proxy_send_timeout %4$ds;
				        }
				    }
				}
				""".formatted(directory, port, appPort, readTimeout.toSeconds());
		return start(directory, port, runAsRoot() + config);
	}

	/**
	 * nginx as the cluster's load balancer: {@code src/cluster/nginx.conf}, the configuration
	 * {@code src/cluster/run} uses and docs/cluster.md shows, over the given nodes' ports on
	 * loopback.
	 */
	public static Nginx balance(List<Integer> nodePorts) throws IOException {
		Path directory = Files.createTempDirectory("heartbeat-nginx-");
		int port = freePort();
		String config = Files.readAllLines(CLUSTER_CONFIG)
			.stream()
			.map((line) -> isServerLine(line) ? nodePorts.stream()
				.map((nodePort) -> line.replace("@server@", "127.0.0.1:" + nodePort))
				.collect(Collectors.joining("\n")) : line)
			.map((line) -> line.replace("@dir@", directory.toString()).replace("@listen@", "127.0.0.1:" + port))
			.collect(Collectors.joining("\n", "", "\n"));
		return start(directory, port, runAsRoot() + config);
	}

	/** The upstream's {@code server @server@ ...;} line, which stands for every node. */
	private static boolean isServerLine(String line) {
		return line.contains("@server@") && !line.strip().startsWith("#");
	}

	private static Nginx start(Path directory, int port, String config) throws IOException {
		Path configFile = directory.resolve("nginx.conf");
		Files.writeString(configFile, config);
		Process process = new ProcessBuilder(BINARY.toString(), "-p", directory.toString(), "-c", configFile.toString())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("stdout.log").toFile())
			.start();
		Nginx nginx = new Nginx(process, directory, port);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("nginx exited: " + Files.readString(directory.resolve("stdout.log")));
				}
				return accepts(port);
			});
		}
		catch (RuntimeException ex) {
			nginx.close();
			throw ex;
		}
		return nginx;
	}

	/**
	 * Run as root, nginx's workers would switch to {@code nobody}, who cannot enter the test's
	 * private temporary directory; as any other user the directive is ignored.
	 */
	private static String runAsRoot() {
		return "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
	}

	public int port() {
		return this.port;
	}

	@Override
	public void close() {
		this.process.destroy(); // SIGTERM: nginx's fast shutdown
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// The worker is the master's child: with the master gone it is gone too; make sure.
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Whether something accepts connections on this loopback port. */
	public static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
