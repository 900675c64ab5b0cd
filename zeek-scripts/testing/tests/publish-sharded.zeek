# @TEST-DOC: With shards=2 each originator's records all go to the shard fnv1a32(cat(orig_h)) % 2.
# @TEST-EXEC: zeek -r $TRACES/autozeekwatch-mixed.pcap $PACKAGE %INPUT AutoZeekWatch::shards=2 AutoZeekWatch::batch_size=1 >raw
# @TEST-EXEC: sort -u raw >output
# @TEST-EXEC: btest-diff output

hook AutoZeekWatch::publishing(topic: string, node: string, stream: string, seq: count, records: vector of string)
	{
	for ( i in records )
		{
		local originator = match_pattern(records[i], /\"orig_h\":\"[0-9.]+\"/);
		print topic, gsub(originator$str, /\"/, "");
		}
	}
