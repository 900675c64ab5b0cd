##! Turns the sidecar's answers into Zeek output: anomaly -> autozeekwatch.log line and
##! Notice; mitigate -> NetControl drop, or a refusal Notice when not allowed.

@load base/frameworks/cluster
@load base/frameworks/notice
@load base/frameworks/netcontrol
@load policy/frameworks/netcontrol/catch-and-release
@load ./main

module AutoZeekWatch;

# Only the manager (or the single standalone node) subscribes, so each answer runs once.
event zeek_init()
	{
	if ( ! Cluster::is_enabled() || Cluster::local_node_type() == Cluster::MANAGER )
		Cluster::subscribe(topic_prefix + "/control");
	}

event AutoZeekWatch::anomaly(uid: string, stream: string, orig_h: addr, orig_p: port,
                             resp_h: addr, resp_p: port, score: double,
                             threshold: double, summary: string)
	{
	local cid: conn_id = [$orig_h=orig_h, $orig_p=orig_p, $resp_h=resp_h, $resp_p=resp_p];

	Log::write(AutoZeekWatch::LOG, [$ts=network_time(), $uid=uid, $id=cid, $stream=stream,
	                                $score=score, $threshold=threshold, $summary=summary,
	                                $node=node_name()]);

	NOTICE([$note=Anomalous_Record,
	        $msg=fmt("%s record scored %.3f, above its threshold %.3f", stream, score, threshold),
	        $sub=summary, $uid=uid, $id=cid,
	        $identifier=cat(orig_h), $suppress_for=notice_suppression]);
	}

function refuse_mitigation(a: addr, why: string, reason: string, score: double)
	{
	NOTICE([$note=Mitigation_Refused,
	        $msg=fmt("not blocking %s (score %.3f): %s", a, score, why),
	        $sub=reason, $src=a,
	        $identifier=cat(a), $suppress_for=notice_suppression]);
	}

event AutoZeekWatch::mitigate(a: addr, duration: interval, reason: string, score: double)
	{
	if ( ! mitigation_enabled )
		{
		refuse_mitigation(a, "mitigation is disabled (AutoZeekWatch::mitigation_enabled=F)", reason, score);
		return;
		}

	if ( a in never_block )
		{
		refuse_mitigation(a, "the address is in AutoZeekWatch::never_block", reason, score);
		return;
		}

	local rule_id = "";
	local how = "";
	if ( duration > 0secs )
		{
		rule_id = NetControl::drop_address(a, duration, reason);
		how = fmt("for %s", duration);
		}
	else
		{
		# Catch-and-release: short first block, longer ones if the host comes back.
		local block_info = NetControl::drop_address_catch_release(a, reason);
		rule_id = block_info$current_block_id;
		how = "with catch-and-release";
		}

	if ( rule_id == "" )
		{
		Reporter::warning(fmt("AutoZeekWatch: NetControl did not accept a drop of %s (is a NetControl plugin active?)", a));
		return;
		}

	NOTICE([$note=Host_Blocked,
	        $msg=fmt("blocked %s %s (score %.3f)", a, how, score),
	        $sub=reason, $src=a,
	        $identifier=cat(a), $suppress_for=notice_suppression]);
	}
