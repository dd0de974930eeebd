package io.wsheartbeat.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.springframework.core.io.ClassPathResource;

/**
 * The Lua scripts beside this class, and their arguments. Each script takes its arguments as one
 * JSON object, written from the record of its name below and read by name in Lua
 * ({@code a.node}, {@code a.lease}): a field is named once, in the record, where both sides
 * see it. What the scripts share (the judgement of every lease) is written once, in
 * {@code judge.lua}, and put in front of the scripts that use it.
 */
final class ClusterScripts {

	static final Script REGISTER = Script.load("judge.lua", "register.lua");

	static final Script RENEW = Script.load("judge.lua", "renew.lua");

	static final Script ANNOUNCE = Script.load("announce.lua");

	static final Script LEAVE = Script.load("leave.lua");

	static final Script PRESENCE = Script.load("presence.lua");

	private ClusterScripts() {
	}

	/**
	 * What the judgement of the leases needs; part of {@link Register} and {@link Renew}.
	 * @param lease the lease in ms, also the grace every node gets after an outage
	 * @param quiet ms without any renewal after which Redis counts as having been away
	 * @param ttl ms every cluster key lives past the last renewal or write that touched it
	 * @param prefix the sessions keys' prefix: a node's id follows it
	 * @param keep how many closed sessions the views' list keeps
	 */
	record Judge(long lease, long quiet, long ttl, String prefix, int keep) {
	}

	/**
	 * renew.lua's arguments.
	 * @param touch whether this renewal also pushes back the expiry of the nodes hash and of this
	 * node's sessions: one renewal in several does, well within the keys' time to live
	 */
	record Renew(String node, String inc, int sessions, boolean touch, long lease, long quiet, long ttl, String prefix,
			int keep) {

		Renew(String node, String inc, int sessions, boolean touch, Judge judge) {
			this(node, inc, sessions, touch, judge.lease(), judge.quiet(), judge.ttl(), judge.prefix(), judge.keep());
		}

	}

	/** register.lua's arguments; the sessions follow as pairs of id and JSON. */
	record Register(String node, String inc, int sessions, String address, long started, boolean touch, long lease,
			long quiet, long ttl, String prefix, int keep) {

		Register(String node, String inc, int sessions, String address, long started, Judge judge) {
			this(node, inc, sessions, address, started, true, judge.lease(), judge.quiet(), judge.ttl(), judge.prefix(),
					judge.keep());
		}

	}

	/**
	 * announce.lua's arguments; {@code opened} pairs of id and JSON follow, then pairs of the
	 * closed sessions' id and closed record.
	 * @param replace whether the batch replaces every session the node had written (after its
	 * queue of changes overflowed), rather than adds to them
	 */
	record Announce(String node, String inc, int sessions, boolean replace, int opened, long ttl, int keep) {
	}

	/** leave.lua's arguments. */
	record Leave(String node, String inc) {
	}

	/**
	 * presence.lua's arguments; one {@link KeyCount} per key follows.
	 * @param after the sequence of the last event this node read, or -1 for none yet: the answer
	 * holds the events after it
	 * @param touch whether this call pushes back the presence keys' expiry though it wrote nothing
	 * @param grace ms a key stays reconnecting
	 * @param keepOffline ms an offline key stays listed
	 * @param prefix the per-node counts' prefix: a node's id follows it
	 * @param budget keys a call may sweep of lost nodes, and as many graces it may run out: a
	 * burst is worked off over several calls, never in one long one
	 * @param read events the answer holds at most
	 * @param events events the stream keeps (about)
	 * @param words the reasons the events give, the presence package's {@code Transitions}
	 */
	record Presence(String node, String inc, long after, boolean touch, long grace, long keepOffline, long ttl,
			String prefix, int budget, int read, int events, Words words) {
	}

	/** The words of presence.lua's events; {@code nodeLost} holds {@code %s} for the node. */
	record Words(String connected, String reconnected, String disconnected, String graceRanOut, String nodeLost) {
	}

	/**
	 * One key as this node holds it now: what is, never what changed, so that sending it twice
	 * does no harm.
	 * @param k the key
	 * @param n its sessions open here
	 * @param ids some of their ids, for the key's page
	 * @param r when {@code n} is 0, the reason the grace begins with: how the last one closed
	 * @param bye when {@code n} is 0, whether that close was the client's goodbye
	 */
	record KeyCount(String k, int n, List<String> ids, String r, boolean bye) {
	}

	/** A script's text, and its SHA-1 digest, as Redis names it. */
	record Script(String name, String text, String digest) {

		static Script load(String... parts) {
			StringBuilder text = new StringBuilder();
			for (String part : parts) {
				try {
					text.append(new ClassPathResource(part, ClusterScripts.class).getContentAsString(StandardCharsets.UTF_8))
						.append('\n');
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot read the cluster's script " + part, ex);
				}
			}
			return new Script(parts[parts.length - 1], text.toString(), sha1(text.toString()));
		}

		private static String sha1(String text) {
			try {
				byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
				return HexFormat.of().formatHex(digest);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
