# @TEST-DOC: The package loads into a default Zeek without errors and has the documented defaults.
# @TEST-EXEC: zeek $PACKAGE %INPUT >output 2>&1
# @TEST-EXEC: btest-diff output

event zeek_init() &priority=-100
	{
	print "listen_websocket", AutoZeekWatch::listen_websocket;
	print "websocket_addr", AutoZeekWatch::websocket_addr;
	print "websocket_port", AutoZeekWatch::websocket_port;
	print "wait_for_sidecar", AutoZeekWatch::wait_for_sidecar;
	print "streams", |AutoZeekWatch::streams|, Conn::LOG in AutoZeekWatch::streams,
	      HTTP::LOG in AutoZeekWatch::streams, DNS::LOG in AutoZeekWatch::streams,
	      SSH::LOG in AutoZeekWatch::streams, SSL::LOG in AutoZeekWatch::streams;
	print "topic_prefix", AutoZeekWatch::topic_prefix;
	print "shards", AutoZeekWatch::shards;
	print "batch_size", AutoZeekWatch::batch_size;
	print "batch_interval", AutoZeekWatch::batch_interval;
	print "mitigation_enabled", AutoZeekWatch::mitigation_enabled;
	print "never_block", |AutoZeekWatch::never_block|;
	print "notice_suppression", AutoZeekWatch::notice_suppression;
	print "shard_topic(0)", AutoZeekWatch::shard_topic(0);
	print "node", AutoZeekWatch::node_name();
	}
