// http.log features: method/status/MIME vocabularies, URI shape, headers present, missing fields, real logs.
import { expect } from 'chai';
import { sharedDataFile } from '../support/shared-data.js';
import type { ZeekRecord } from '../../src/zeek/record.js';
import { column, expectAllFinite, hotColumns, oneHot, readRecords, trainOn, vectorOf } from './helpers.js';

const request: ZeekRecord = {
  ts: 1300475168.78402,
  uid: 'Ci6uymcAJLlEcf9e3',
  'id.orig_h': '141.142.220.118',
  'id.orig_p': 48649,
  'id.resp_h': '208.80.152.118',
  'id.resp_p': 80,
  trans_depth: 1,
  method: 'GET',
  host: 'bits.wikimedia.org',
  uri: '/skins-1.5/monobook/main.css?v=2&lang=en',
  referrer: 'http://www.wikipedia.org/',
  version: '1.1',
  user_agent: 'Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15',
  request_body_len: 0,
  response_body_len: 2345,
  status_code: 200,
  status_msg: 'OK',
  tags: [],
  resp_fuids: ['FiQHEW1Z5mVQT0VMtd'],
  resp_mime_types: ['text/css'],
};

describe('http features', () => {
  const featurizer = trainOn('HTTP', [request, { ...request, method: 'POST', status_code: 404, resp_mime_types: ['text/html'] }]);

  it('gives the documented values for a realistic record', () => {
    const v = vectorOf(featurizer, request);
    expect(column(featurizer, v, 'http.trans_depth_log1p')).to.be.closeTo(Math.log1p(1), 1e-12);
    expect(column(featurizer, v, 'http.response_body_len_log1p')).to.be.closeTo(Math.log1p(2345), 1e-12);
    expect(column(featurizer, v, 'http.uri_length_log1p')).to.be.closeTo(Math.log1p(40), 1e-12);
    expect(column(featurizer, v, 'http.uri_path_depth_log1p')).to.be.closeTo(Math.log1p(3), 1e-12);
    expect(column(featurizer, v, 'http.uri_params_log1p')).to.be.closeTo(Math.log1p(2), 1e-12);
    expect(column(featurizer, v, 'http.uri_entropy')).to.be.within(3, 5);
    expect(column(featurizer, v, 'http.referrer_present')).to.equal(1);
    expect(column(featurizer, v, 'http.user_agent_missing')).to.equal(0);
    expect(column(featurizer, v, 'http.user_agent_length_log1p')).to.be.closeTo(Math.log1p(105), 1e-12);
    expect(column(featurizer, v, 'http.host_missing')).to.equal(0);
    expect(column(featurizer, v, 'http.host_is_address')).to.equal(0);
    expect(oneHot(featurizer, v, 'http.method')).to.deep.equal(['http.method=GET']);
    expect(oneHot(featurizer, v, 'http.status_code')).to.deep.equal(['http.status_code=200']);
    expect(oneHot(featurizer, v, 'http.resp_mime_type')).to.deep.equal(['http.resp_mime_type=text/css']);
    expect(oneHot(featurizer, v, 'http.version')).to.deep.equal(['http.version=1.1']);
  });

  it('flags an address as Host; a method and status never seen go to "unseen", a new user agent to "other"', () => {
    const v = vectorOf(featurizer, { ...request, host: '10.0.0.5:8080', method: 'PROPFIND', status_code: 418, user_agent: 'curl/8.0' });
    expect(column(featurizer, v, 'http.host_is_address')).to.equal(1);
    expect(oneHot(featurizer, v, 'http.method')).to.deep.equal(['http.method:unseen']);
    expect(oneHot(featurizer, v, 'http.status_code')).to.deep.equal(['http.status_code:unseen']);
    expect(oneHot(featurizer, v, 'http.user_agent')).to.deep.equal(['http.user_agent:other']);
    expect(column(featurizer, vectorOf(featurizer, { ...request, host: '[2001:db8::1]' }), 'http.host_is_address')).to.equal(1);
    expect(column(featurizer, vectorOf(featurizer, { ...request, host: 'deadbeef.cafe' }), 'http.host_is_address')).to.equal(0);
  });

  it('gives missing fields their default and indicator', () => {
    const { host: _h, uri: _u, user_agent: _ua, status_code: _s, resp_mime_types: _m, referrer: _r, ...bare } = request;
    const v = vectorOf(featurizer, bare);
    expect(column(featurizer, v, 'http.host_missing')).to.equal(1);
    expect(column(featurizer, v, 'http.host_length_log1p')).to.equal(0);
    expect(column(featurizer, v, 'http.uri_missing')).to.equal(1);
    expect(column(featurizer, v, 'http.uri_length_log1p')).to.equal(0);
    expect(column(featurizer, v, 'http.user_agent_missing')).to.equal(1);
    expect(column(featurizer, v, 'http.referrer_present')).to.equal(0);
    expect(oneHot(featurizer, v, 'http.status_code')).to.deep.equal(['http.status_code:missing']);
    expect(oneHot(featurizer, v, 'http.resp_mime_type')).to.deep.equal(['http.resp_mime_type:missing']);
  });

  it('classifies IPv6 web servers like IPv4 ones, and follows --local-nets', () => {
    const v6 = vectorOf(featurizer, { ...request, 'id.orig_h': '2001:db8::1', 'id.resp_h': '::ffff:192.168.1.1' });
    expect(hotColumns(featurizer, v6, 'http.direction_')).to.deep.equal(['http.direction_inbound']);
    const site = trainOn('HTTP', [request], { localNets: ['141.142.0.0/16'] });
    expect(hotColumns(site, vectorOf(site, request), 'http.direction_')).to.deep.equal(['http.direction_outbound']);
  });

  it('yields only finite values on every record of real http logs (2013 TSV, 2019 JSON, labelled TSV)', async function () {
    for (const relative of ['zat-2013/tsv/http.log', 'zat-2019-ursnif/json/http.log', 'stratosphere-sdt/011-ctu-normal-43-day1/tsv/http.labeled.log', 'zeek-8.2.2/zeek-wikipedia/json/http.log']) {
      expectAllFinite('HTTP', await readRecords(sharedDataFile(this, relative)));
    }
  });
});
