##! Publishes every record of the enabled log streams to the sidecar, batched per
##! (shard, stream) topic and sharded by originator address.

@load base/frameworks/cluster
@load ./main

module AutoZeekWatch;

export {
	## Publishes every pending batch now (end of a pcap, shutdown).
	global flush_batches: function();

	## The topic prefix of one shard: ``<topic_prefix>/logs/<shard>/``.
	global shard_topic: function(shard: count): string;

	## The number of shards in use (:zeek:see:`AutoZeekWatch::shards`, at least 1).
	global shard_count: function(): count;
}

type Batch: record {
	stream: string;
	first_seq: count;
	records: vector of string;
};

# Batches waiting for batch_size or batch_interval, by topic.
global pending: table[string] of Batch = table();

# Sequence number of the next record on each topic.
global next_seq: table[string] of count &default=0;

# "conn" for Conn::LOG, "http" for HTTP::LOG, ...; memoised, cat() on every record is not free.
global stream_names: table[Log::ID] of string = table();

global flush_scheduled = F;
global flush_due: event();

function shard_count(): count
	{
	return shards > 0 ? shards : 1;
	}

function shard_topic(shard: count): string
	{
	return fmt("%s/logs/%d/", topic_prefix, shard);
	}

function stream_name(id: Log::ID): string
	{
	if ( id !in stream_names )
		stream_names[id] = to_lower(split_string1(cat(id), /::/)[0]);
	return stream_names[id];
	}

# Every default stream's Info carries the connection's id; other streams all go to
# one shard, which keeps them together rather than spreading them at random.
function originator_of(rec: any, id: Log::ID): addr
	{
	switch ( id ) {
	case Conn::LOG:
		return (rec as Conn::Info)$id$orig_h;
	case DNS::LOG:
		return (rec as DNS::Info)$id$orig_h;
	case HTTP::LOG:
		return (rec as HTTP::Info)$id$orig_h;
	case SSH::LOG:
		return (rec as SSH::Info)$id$orig_h;
	case SSL::LOG:
		return (rec as SSL::Info)$id$orig_h;
	}
	return 0.0.0.0;
	}

# fnv1a32 is what the sharding was verified with; the fallback keeps the package
# loadable where that BIF is missing (shards then differ from other versions).
function shard_of(a: addr): count
	{
@ifdef ( fnv1a32 )
	return fnv1a32(cat(a)) % shard_count();
@else
	return bytestring_to_count(hexstr_to_bytestring(sub_bytes(md5_hash(cat(a)), 1, 8))) % shard_count();
@endif
	}

function publish_batch(topic: string, batch: Batch)
	{
	local node = node_name();
	local wanted = hook publishing(topic, node, batch$stream, batch$first_seq, batch$records);
	if ( ! wanted )
		return;
	Cluster::publish(topic, log_records, node, batch$stream, batch$first_seq, batch$records);
	}

function flush_topic(topic: string)
	{
	local batch = pending[topic];
	delete pending[topic];
	publish_batch(topic, batch);
	}

function flush_batches()
	{
	# Collect first: the table must not change while it is iterated.
	local topics: vector of string = vector();
	for ( topic in pending )
		topics[|topics|] = topic;
	for ( i in topics )
		flush_topic(topics[i]);
	}

event flush_due()
	{
	flush_scheduled = F;
	flush_batches();
	}

# Low priority: records vetoed by other handlers are never published. Never breaks.
hook Log::log_stream_policy(rec: any, id: Log::ID) &priority=-100
	{
	if ( id !in streams )
		return;

	local stream = stream_name(id);
	local topic = shard_topic(shard_of(originator_of(rec, id))) + stream;

	if ( topic !in pending )
		{
		local no_records: vector of string = vector();
		pending[topic] = Batch($stream=stream, $first_seq=next_seq[topic], $records=no_records);
		}

	local batch = pending[topic];
	batch$records[|batch$records|] = to_json(rec, T, /^_/, T);
	++next_seq[topic];

	if ( |batch$records| >= batch_size )
		flush_topic(topic);
	else if ( ! flush_scheduled )
		{
		flush_scheduled = T;
		schedule batch_interval { flush_due() };
		}
	}

# Connections still open when the input ends are logged during termination, after
# Pcap::file_done and when timers no longer fire: publish what they left behind.
event net_done(t: time) &priority=-10
	{
	flush_batches();
	}

event zeek_done() &priority=-10
	{
	flush_batches();
	}
