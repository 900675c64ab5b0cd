##! AutoZeekWatch's interface: the options, the events exchanged with the sidecar
##! (names and signatures are a contract with the sidecar, see DESIGN.md) and the log.

@load base/misc/version
@load base/frameworks/cluster
@load base/frameworks/logging
@load base/frameworks/notice
@load base/protocols/conn
@load base/protocols/dns
@load base/protocols/http
@load base/protocols/ssh
@load base/protocols/ssl
@load policy/tuning/json-logs

module AutoZeekWatch;

export {
	## The autozeekwatch.log stream: one line per record the sidecar found anomalous.
	redef enum Log::ID += { LOG };

	## A hook to veto or alter autozeekwatch.log lines.
	global log_policy: Log::PolicyHook;

	redef enum Notice::Type += {
		## A log record scored above its model's threshold. One per originator
		## within :zeek:see:`AutoZeekWatch::notice_suppression`.
		Anomalous_Record,
		## The sidecar asked to block a host and NetControl was asked to drop it.
		Host_Blocked,
		## The sidecar asked to block a host and the package refused: mitigation
		## is disabled, or the host is in :zeek:see:`AutoZeekWatch::never_block`.
		Mitigation_Refused,
	};

	## One line of autozeekwatch.log.
	type Info: record {
		## Network time when the sidecar's answer was handled.
		ts: time &log;
		## The uid of the scored record (the connection's uid for every stream).
		uid: string &log;
		## The scored record's connection 5-tuple (without the protocol).
		id: conn_id &log;
		## The log stream of the scored record: conn, http, dns, ssh or ssl.
		stream: string &log;
		## The model's anomaly score (reconstruction RMSE).
		score: double &log;
		## The model's threshold that the score exceeded.
		threshold: double &log;
		## The sidecar's one-line explanation (top contributing features).
		summary: string &log;
		## The Zeek node that handled the answer: the manager in a cluster, "zeek" standalone.
		node: string &log;
	};

	## Start Zeek's WebSocket server from this package. Default F: zeekctl clusters
	## run their own server on the manager (``UseWebSocket``, 127.0.0.1:27759).
	option listen_websocket = F;

	## Address of the WebSocket server started when :zeek:see:`AutoZeekWatch::listen_websocket`
	## is T. Default 127.0.0.1: the API has no authentication.
	option websocket_addr = 127.0.0.1;

	## Port of the WebSocket server started when :zeek:see:`AutoZeekWatch::listen_websocket`
	## is T. Default 27759/tcp, zeekctl's WebSocket port.
	option websocket_port = 27759/tcp;

	## Hold packet processing until a sidecar has subscribed, so that no record of
	## a pcap is published before anyone listens. Default F (live traffic).
	option wait_for_sidecar = F;

	## Log streams whose records are published to the sidecar.
	## Default: conn, http, dns, ssh and ssl, the streams the sidecar has models for.
	option streams: set[Log::ID] = { Conn::LOG, HTTP::LOG, DNS::LOG, SSH::LOG, SSL::LOG };

	## First component of every topic: records go to ``<topic_prefix>/logs/<shard>/<stream>``,
	## the sidecar answers on ``<topic_prefix>/control``. Default "autozeekwatch".
	option topic_prefix = "autozeekwatch";

	## Number of shards the records are spread over, by a hash of the originator
	## address, so one host's records always reach the same sidecar. Default 1 (shard 0).
	option shards: count = 1;

	## A batch is published as soon as it holds this many records. Default 50.
	option batch_size: count = 50;

	## A batch that is not full is published this long after its first record
	## (network time), so latency stays well under a second. Default 100msec.
	option batch_interval: interval = 100msec;

	## Act on the sidecar's mitigate events with NetControl drops. Default F:
	## requests are refused and reported as :zeek:see:`AutoZeekWatch::Mitigation_Refused`.
	option mitigation_enabled = F;

	## Hosts that are never blocked, whatever the sidecar asks. Default empty.
	option never_block: set[subnet] = {};

	## Anomaly and mitigation Notices about one host are raised at most once in this
	## interval (Notice framework suppression by originator). Default 10min.
	option notice_suppression: interval = 10min;

	## Zeek -> sidecar, on ``<topic_prefix>/logs/<shard>/<stream>``: a batch of records of one
	## stream as ``to_json(rec, T, /^_/, T)`` strings. *seq* numbers the batch's first record;
	## the records of one topic from one node are numbered 0, 1, 2, ... without gaps.
	global log_records: event(node: string, stream: string, seq: count, records: vector of string);

	## Sidecar -> Zeek, on ``<topic_prefix>/control``: a record scored above its threshold.
	global anomaly: event(uid: string, stream: string, orig_h: addr, orig_p: port,
	                      resp_h: addr, resp_p: port, score: double,
	                      threshold: double, summary: string);

	## Sidecar -> Zeek, on ``<topic_prefix>/control``: block host *a*. A *duration* of 0
	## asks for catch-and-release, a positive one for a drop of that length.
	global mitigate: event(a: addr, duration: interval, reason: string, score: double);

	## Zeek -> sidecar, on ``<topic_prefix>/logs/<shard>/end`` for every shard: the pcap
	## this node read has ended and all its batches were published.
	global end_of_input: event(node: string);

	## Sidecar -> Zeek, on ``<topic_prefix>/control``: the sidecar sent its last answer
	## after :zeek:see:`AutoZeekWatch::end_of_input`; a node that finished its pcap terminates.
	global sidecar_done: event(reason: string);

	## Manager -> workers in a cluster: a sidecar subscribed, so workers holding
	## processing for :zeek:see:`AutoZeekWatch::wait_for_sidecar` continue.
	global sidecar_ready: event();

	## Called with every batch right before it is published; a handler that
	## breaks drops the batch (site policy, tests).
	global publishing: hook(topic: string, node: string, stream: string, seq: count,
	                        records: vector of string);

	## Raised for every autozeekwatch.log line.
	global log_autozeekwatch: event(rec: Info);

	## The node name sent with every event: ``Cluster::node``, or "zeek" standalone.
	global node_name: function(): string;
}

function node_name(): string
	{
	return Cluster::is_enabled() ? Cluster::node : "zeek";
	}

# Every node creates the stream: in a cluster the manager writes and the logger stores.
event zeek_init() &priority=5
	{
	Log::create_stream(AutoZeekWatch::LOG, [$columns=Info, $ev=log_autozeekwatch,
	                                        $path="autozeekwatch", $policy=log_policy]);
	}
