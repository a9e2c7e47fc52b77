// The dashboard at / in headless Chromium, against a real rungd loaded with
// the demo data: what the page shows is checked against what the JSON API
// answers for the same daemon.
//
// Environment: RUNGD (the rungd binary, required); RUNG_PY_DIR (the generated
// Python stubs, default: python/ beside rungd); RUNG_ARTIFACT_DIR (where the
// screenshots go, default: artifacts/ beside rungd); CHROMIUM (default
// /usr/bin/chromium). Nothing here downloads a browser.

import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {once} from 'node:events';
import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import readline from 'node:readline';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {after, before, test} from 'node:test';

import {chromium} from 'playwright-core';

const RUNGD = process.env.RUNGD;
if (!RUNGD) throw new Error('set RUNGD to the rungd binary');
const PY_DIR = process.env.RUNG_PY_DIR || join(dirname(RUNGD), 'python');
const ARTIFACT_DIR = process.env.RUNG_ARTIFACT_DIR || join(dirname(RUNGD), 'artifacts');
const DEMO_DATA = fileURLToPath(new URL('../../scripts/demo_data.py', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const run = promisify(execFile);
let workDir, rungd, baseUrl, browser, page;
const pageErrors = [];

// Starts rungd on free ports; resolves once it has printed both addresses.
function startRungd(dbPath, extraArgs = []) {
  const child = spawn(RUNGD, ['--listen=127.0.0.1:0', '--http_listen=127.0.0.1:0', `--db=${dbPath}`, ...extraArgs],
    {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-8000); });
  return new Promise((resolve, reject) => {
    const addresses = {};
    readline.createInterface({input: child.stdout}).on('line', (line) => {
      const match = /^(http )?listening on (\S+)$/.exec(line);
      if (match) addresses[match[1] ? 'http' : 'grpc'] = match[2];
      if (addresses.grpc && addresses.http) resolve({child, ...addresses});
    });
    child.on('exit', (code, signal) => reject(new Error(`rungd exited (${code ?? signal}) before listening:\n${stderr}`)));
  });
}

// Starts a rungd that checks tokens: `tokens` maps each token's name to its
// role and secret. `moreConfig` is added to the config file as it is.
async function startRungdWithTokens(name, tokens, moreConfig = '') {
  const config = join(workDir, `${name}.textproto`);
  const entries = Object.entries(tokens).map(([tokenName, {role, secret}]) =>
    `tokens { name: "${tokenName}" role: ${role} sha256: "${createHash('sha256').update(secret).digest('hex')}" }`);
  await writeFile(config, `auth { ${entries.join(' ')} }\n${moreConfig}`);
  return startRungd(join(workDir, `${name}.db`), [`--config=${config}`]);
}

async function stopRungd(daemon) {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  daemon.child.kill('SIGTERM');
  await once(daemon.child, 'exit');
}

function python(args) {
  return run('/usr/bin/python3', args, {env: {...process.env, PYTHONPATH: PY_DIR, PYTHONDONTWRITEBYTECODE: '1'}});
}

// Makes gRPC calls in order through the generated stubs, each as [method,
// token or '', request in protobuf JSON].
function grpcCalls(server, calls) {
  return python(['-c', `
import json, sys, grpc
from google.protobuf import json_format
from rung.v1 import advisor_service_pb2 as api, advisor_service_pb2_grpc as api_grpc
with grpc.insecure_channel(sys.argv[1]) as channel:
    stub = api_grpc.AdvisorServiceStub(channel)
    for method, token, request in json.loads(sys.argv[2]):
        message = json_format.ParseDict(request, getattr(api, method + "Request")())
        metadata = [("authorization", "Bearer " + token)] if token else None
        getattr(stub, method)(message, metadata=metadata, timeout=30)
`, server, JSON.stringify(calls)]);
}

// `base`: another daemon's HTTP address; `token`: a bearer token for it.
async function api(path, {base = baseUrl, token = ''} = {}) {
  const response = await fetch(base + path, {headers: token ? {Authorization: 'Bearer ' + token} : {}});
  const body = await response.json();
  return {status: response.status, body};
}

async function apiOk(path, options) {
  const {status, body} = await api(path, options);
  assert.equal(status, 200, `${path}: ${JSON.stringify(body)}`);
  return body;
}

// Every item of a list, two to a page. `query` goes on as it is ("&flag=X").
async function allPages(path, field, query = '', options = {}) {
  const items = [];
  let token = '';
  do {
    const body = await apiOk(`${path}?page_size=2&page_token=${encodeURIComponent(token)}${query}`, options);
    items.push(...body[field]);
    token = body.nextPageToken;
  } while (token);
  return items;
}

const allRecommendations = (query = '') => allPages('/v1/recommendations', 'recommendations', query);

const ids = (recs) => recs.map((rec) => rec.adSetId).sort();

function tableRows() {
  return page.$$eval('#recommendations tbody tr', (rows) => rows.map((row) => ({
    id: row.dataset.adSetId,
    account: row.querySelector('td.account').textContent,
    action: row.querySelector('.badge').dataset.action,
    label: row.querySelector('.badge').textContent,
    flags: [...row.querySelectorAll('.flag')].map((flag) => flag.dataset.flag),
  })));
}

// Waits until the table holds exactly `expected` ad sets; on a timeout, fails
// with what it holds instead.
async function waitForRows(expected) {
  const want = [...expected].sort().join(',');
  try {
    await page.waitForFunction((want) => [...document.querySelectorAll('#recommendations tbody tr')]
      .map((row) => row.dataset.adSetId).sort().join(',') === want, want);
  } catch (error) {
    assert.deepEqual((await tableRows()).map((row) => row.id).sort(), [...expected].sort());
    throw error;
  }
}

async function screenshot(name, target = page) {
  await mkdir(ARTIFACT_DIR, {recursive: true});
  await target.screenshot({path: join(ARTIFACT_DIR, name), fullPage: true});
}

// A page in a context of its own (its own sessionStorage) that answers the
// token prompt with `token`; `prompts` collects what it was asked.
async function pageWithToken(token) {
  const context = await browser.newContext({viewport: {width: 1280, height: 900}});
  const tokenPage = await context.newPage();
  tokenPage.setDefaultTimeout(15000);
  tokenPage.on('pageerror', (error) => pageErrors.push(error.message));
  const prompts = [];
  tokenPage.on('dialog', (dialog) => { prompts.push(dialog.message()); dialog.accept(token); });
  return {context, page: tokenPage, prompts};
}

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'rung-browser-'));
  rungd = await startRungd(join(workDir, 'rung.db'));
  baseUrl = `http://${rungd.http}`;
  await python([DEMO_DATA, '--server', rungd.grpc]);
  browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS});
  page = await browser.newPage({viewport: {width: 1280, height: 900}});
  page.setDefaultTimeout(15000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, {timeout: 120000});

after(async () => {
  await browser?.close();
  if (rungd) await stopRungd(rungd);
  if (workDir) await rm(workDir, {recursive: true, force: true});
});

test('the table shows every recommendation the API lists, with its action', async () => {
  const recs = await allRecommendations();
  assert.ok(recs.length >= 5, `the demo should give several recommendations, got ${recs.length}`);
  assert.ok(new Set(recs.map((rec) => rec.action)).size >= 3, 'the demo should give several actions');

  // The page opens on the accounts; the header links to every ad set.
  await page.goto(baseUrl + '/');
  await page.click('#nav-adsets');
  await waitForRows(ids(recs));
  assert.equal(new URL(page.url()).hash, '#view=adsets');
  assert.equal(await page.getAttribute('#nav-adsets', 'aria-current'), 'page');
  const rows = await tableRows();
  for (const rec of recs) {
    const row = rows.find((candidate) => candidate.id === rec.adSetId);
    assert.equal(row.action, rec.action, rec.adSetId);
    // "ACTION_DUPLICATE_AND_CLIMB" reads "Duplicate and climb".
    assert.equal(row.label.toLowerCase(), rec.action.replace('ACTION_', '').replaceAll('_', ' ').toLowerCase());
    assert.deepEqual(row.flags, rec.flags ?? [], rec.adSetId);
  }
  await screenshot('dashboard.png');
});

test('filtering by an action or a flag narrows the table to exactly those ad sets', async () => {
  const recs = await allRecommendations();
  const byAction = {};
  for (const rec of recs) (byAction[rec.action] ||= []).push(rec);
  // An action some ad sets have and others do not, so that narrowing shows.
  const action = Object.keys(byAction).sort((a, b) => byAction[b].length - byAction[a].length)[0];
  assert.ok(byAction[action].length > 1 && byAction[action].length < recs.length);
  const flag = recs.flatMap((rec) => rec.flags ?? []).sort()[0];
  assert.ok(flag, 'the demo should raise at least one flag');

  await page.goto(baseUrl + '/#view=adsets');
  await waitForRows(ids(recs));
  for (const [select, value, expected, query] of [
    ['#action-filter', action, byAction[action], `&action=${action}`],
    ['#flag-filter', flag, recs.filter((rec) => (rec.flags ?? []).includes(flag)), `&flag=${flag}`],
  ]) {
    assert.deepEqual(ids(await allRecommendations(query)), ids(expected), `the API's own ${query} filter`);
    await page.selectOption(select, value);
    await waitForRows(ids(expected));
    assert.ok(new URL(page.url()).hash.includes(value), page.url());
    await page.selectOption(select, '');
    await waitForRows(ids(recs));
  }
});

test('the account selector lists the accounts and narrows the table to one', async () => {
  const adSets = (await apiOk('/v1/adsets?page_size=100')).adSets;
  const accounts = [...new Set(adSets.map((adSet) => adSet.accountId))].sort();
  assert.ok(accounts.length >= 2, 'the demo should have two accounts');

  await page.goto(baseUrl + '/#view=adsets');
  await page.waitForFunction((n) => document.querySelectorAll('#account-filter option').length === n,
    accounts.length + 1);
  const options = await page.$$eval('#account-filter option', (list) => list.map((option) => option.value));
  assert.deepEqual(options, ['', ...accounts]);

  const account = accounts[1];
  const expected = await allRecommendations(`&account_id=${account}`);
  assert.ok(expected.length > 0);
  await page.selectOption('#account-filter', account);
  await waitForRows(ids(expected));
  for (const row of await tableRows()) assert.equal(row.account, account);
});

test('every page of a long list can be loaded', async () => {
  const recs = await allRecommendations();
  await page.goto(baseUrl + '/#page_size=3');
  await waitForRows(recs.slice(0, 3).map((rec) => rec.adSetId));
  for (let shown = 3; shown < recs.length; shown += 3) {
    await page.click('#load-more');
    await page.waitForFunction((n) => document.querySelectorAll('#recommendations tbody tr').length === n,
      Math.min(shown + 3, recs.length));
  }
  await waitForRows(ids(recs));
  assert.equal(await page.isHidden('#load-more'), true, 'no "load more" after the last page');
});

test('clicking an ad set shows its ladder, weekly volume against both thresholds, and its reasons', async () => {
  const recs = await allRecommendations();
  const rec = recs.find((candidate) => candidate.targetEvent && candidate.reasons?.length > 0);
  assert.ok(rec, 'the demo should move or climb some ad set');
  const policy = await apiOk(`/v1/policy?account_id=${rec.accountId}`);
  const ladder = policy.ladders.find((candidate) => candidate.name === rec.ladder);
  const weeks = (await apiOk(`/v1/adsets/${rec.adSetId}/history`)).weeks;
  assert.ok(ladder && weeks.length > 1 && rec.learningThreshold > policy.cutoverThreshold);

  await page.goto(baseUrl + '/#view=adsets');
  await page.click(`#recommendations tr[data-ad-set-id="${rec.adSetId}"] td.action`);
  await page.waitForSelector('#detail ol.ladder');
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#adset=${rec.adSetId}`);
  assert.equal(await page.textContent('#detail h2'), rec.adSetId);
  assert.equal(await page.getAttribute(`tr[data-ad-set-id="${rec.adSetId}"]`, 'aria-current'), 'true');

  // The ladder, highest rung first, with the current and target rungs marked.
  const rungs = await page.$$eval('#detail ol.ladder > li', (items) => items.map((item) => ({
    event: item.dataset.event, current: item.getAttribute('aria-current') === 'step',
    target: item.classList.contains('target'), text: item.querySelector('.rung').textContent})));
  assert.deepEqual(rungs.map((rung) => rung.event), [...ladder.events].reverse());
  assert.deepEqual(rungs.filter((rung) => rung.current).map((rung) => rung.event), [rec.currentEvent]);
  assert.deepEqual(rungs.filter((rung) => rung.target).map((rung) => rung.event), [rec.targetEvent]);
  for (const rung of rungs) {
    assert.ok(rung.text.includes(`sustained ${rec.sustainedCounts[rung.event]}/wk`), rung.text);
  }

  // One chart per rung: a point per stored week at its count, and the two
  // threshold lines, drawn on the same scale as the points.
  for (const event of ladder.events) {
    const chart = await page.$eval(`#detail svg.chart[data-event="${event}"]`, (svg) => ({
      points: [...svg.querySelectorAll('circle.point')].map((point) => ({
        week: point.dataset.week, count: Number(point.dataset.count),
        cx: Number(point.getAttribute('cx')), cy: Number(point.getAttribute('cy'))})),
      lines: Object.fromEntries([...svg.querySelectorAll('line.threshold')].map((line) =>
        [line.dataset.threshold, {value: Number(line.dataset.value), y: Number(line.getAttribute('y1'))}])),
    }));
    assert.deepEqual(chart.points.map((point) => point.week), weeks.map((week) => week.weekStart), event);
    assert.deepEqual(chart.points.map((point) => point.count),
      weeks.map((week) => Number(week.eventCounts[event] ?? 0)), event);
    assert.deepEqual(Object.keys(chart.lines).sort(), ['cutover', 'learning']);
    assert.equal(chart.lines.learning.value, rec.learningThreshold);
    assert.equal(chart.lines.cutover.value, policy.cutoverThreshold);
    assert.ok(chart.lines.learning.y < chart.lines.cutover.y, 'T is drawn above the cutover');
    chart.points.forEach((point, i) => {
      if (i > 0) assert.ok(point.cx > chart.points[i - 1].cx, `${event}: weeks run left to right`);
      for (const line of Object.values(chart.lines)) {
        assert.equal(point.cy <= line.y, point.count >= line.value, `${event} ${point.week}: ${point.count} vs ${line.value}`);
      }
    });
  }

  const messages = await page.$$eval('#detail .reason-message', (items) => items.map((item) => item.textContent));
  assert.deepEqual(messages, rec.reasons.map((reason) => reason.message));
  const rules = await page.$$eval('#detail .reason-rule code', (items) => items.map((item) => item.textContent));
  assert.deepEqual(rules, rec.reasons.map((reason) => reason.rule));
  await screenshot('dashboard-detail.png');
});

test('a link to #adset= opens that ad set, and a week with no record breaks its line', async () => {
  const adSets = (await apiOk('/v1/adsets?page_size=100')).adSets;
  const gapped = adSets.find((adSet) =>
    (Date.parse(adSet.lastWeek) - Date.parse(adSet.firstWeek)) / (7 * 86400000) + 1 > adSet.weekCount);
  assert.ok(gapped, 'the demo should have an ad set with a week missing');
  const weeks = (await apiOk(`/v1/adsets/${gapped.adSetId}/history`)).weeks;
  const runs = 1 + weeks.filter((week, i) => i > 0 &&
    Date.parse(week.weekStart) - Date.parse(weeks[i - 1].weekStart) > 7 * 86400000).length;

  await page.goto(`${baseUrl}/#adset=${gapped.adSetId}`);
  const chart = `#detail svg.chart[data-event="${gapped.optimizationEvent}"]`;
  await page.waitForSelector(chart);
  assert.equal(await page.textContent('#detail h2'), gapped.adSetId);
  assert.equal(await page.$$eval(`${chart} circle.point`, (points) => points.length), weeks.length);
  const path = await page.getAttribute(`${chart} path.series`, 'd');
  assert.equal(path.split('M').length - 1, runs, path);
});

test('HTTP errors show the message of the API', async () => {
  for (const [hash, apiPath, where] of [
    ['#adset=no_such_ad_set', '/v1/adsets/no_such_ad_set', '#detail'],
    ['#flag=NO_SUCH_FLAG', '/v1/recommendations?flag=NO_SUCH_FLAG', '#list-notice'],
  ]) {
    const {status, body} = await api(apiPath);
    assert.ok(status >= 400 && body.error.message, `${apiPath} should fail`);
    await page.goto(baseUrl + '/' + hash);
    await page.waitForSelector(`${where} .notice.error`);
    assert.ok((await page.textContent(`${where} .notice.error`)).includes(body.error.message), hash);
  }
});

test('at a phone\'s width nothing overflows the page but the table, which scrolls', async () => {
  const recs = await allRecommendations();
  const rec = recs.find((candidate) => candidate.reasons?.length > 1) ?? recs[0];
  await page.setViewportSize({width: 390, height: 844});
  try {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#adset=${rec.adSetId}`);
    await page.waitForSelector('#detail svg.chart');
    await waitForRows(ids(recs));
    const widths = await page.evaluate(() => ({page: document.documentElement.scrollWidth,
      viewport: window.innerWidth, charts: [...document.querySelectorAll('svg.chart')]
        .map((svg) => svg.getBoundingClientRect().right)}));
    assert.ok(widths.page <= widths.viewport, JSON.stringify(widths));
    for (const right of widths.charts) assert.ok(right <= widths.viewport, JSON.stringify(widths));
    await screenshot('dashboard-narrow.png');
  } finally {
    await page.setViewportSize({width: 1280, height: 900});
  }
});

test('an account with data but no evaluation says to run rungctl evaluate', async () => {
  const asOfWeek = (await allRecommendations())[0].asOfWeek;
  await grpcCalls(rungd.grpc, [['IngestWeeks', '', {weeks: [{accountId: 'act_new', campaignId: 'cmp_new',
    adSetId: 'as_not_evaluated', weekStart: asOfWeek, optimizationEvent: 'Purchase', eventCounts: {Purchase: 12}}]}]]);

  const accounts = [...new Set((await apiOk('/v1/adsets?page_size=100')).adSets.map((adSet) => adSet.accountId))];
  assert.ok(accounts.includes('act_new'));

  await page.goto('about:blank');  // A fresh load, which lists the new account.
  await page.goto(`${baseUrl}/#account=act_new&adset=as_not_evaluated`);
  await page.waitForFunction((want) => [...document.querySelectorAll('#account-filter option')]
    .map((option) => option.value).join() === want, ['', ...accounts.sort()].join());
  assert.equal(await page.inputValue('#account-filter'), 'act_new');
  await page.waitForSelector('#list-notice .notice');
  assert.match(await page.textContent('#list-notice .notice'), /No evaluation yet.*rungctl evaluate --account act_new/);
  await page.waitForSelector('#detail svg.chart');
  assert.match(await page.textContent('#detail .notice'), /No evaluation yet.*rungctl evaluate/);
  assert.equal(await page.$$eval('#detail svg.chart[data-event="Purchase"] circle.point', (points) => points.length), 1);
  assert.equal(await page.getAttribute('#detail ol.ladder li[aria-current="step"]', 'data-event'), 'Purchase');
});

test('with tokens, the page asks once for a token and sends it as a header, never in a URL', async () => {
  const token = 'dashboard-reader-secret';
  const secured = await startRungdWithTokens('secured', {dashboard: {role: 'ROLE_READER', secret: token}});
  const {context, page: tokenPage, prompts} = await pageWithToken(token);
  const sent = [];
  tokenPage.on('request', (request) => {
    if (request.url().includes('/v1/')) sent.push({url: request.url(), authorization: request.headers().authorization});
  });
  try {
    await tokenPage.goto(`http://${secured.http}/#view=adsets`);
    await tokenPage.waitForSelector('#list-notice .notice');
    assert.equal(await tokenPage.getAttribute('#list-notice .notice', 'class'), 'notice empty');
    assert.match(await tokenPage.textContent('#list-notice .notice'), /No ad sets yet/);
    // Nothing stored: the accounts overview says how to get some.
    await tokenPage.click('#nav-accounts');
    await tokenPage.waitForSelector('#accounts-notice .notice');
    assert.equal(await tokenPage.getAttribute('#accounts-notice .notice', 'class'), 'notice empty');
    assert.match(await tokenPage.textContent('#accounts-notice .notice'),
      /No accounts yet\.Ingest or sync an account first: rungctl ingest FILE or rungctl sync --account act_ID, then run rungctl evaluate\./);
    assert.equal(await tokenPage.isHidden('#accounts-scroll'), true);
    assert.equal(prompts.length, 1, prompts.join('\n'));
    assert.ok(sent.some((request) => request.authorization === 'Bearer ' + token), JSON.stringify(sent));
    assert.ok(sent.every((request) => !request.url.includes(token)));
    assert.equal(await tokenPage.evaluate(() => sessionStorage.getItem('rungToken')), token);
  } finally {
    await context.close();
    await stopRungd(secured);
  }
});

// The ad set view's list of actions, and what it reads them from.
function actionRows(target) {
  return target.$$eval('#detail table.actions tbody tr', (rows) => rows.map((row) => ({
    key: row.dataset.key,
    time: row.querySelector('.when time').textContent,
    datetime: row.querySelector('.when time').getAttribute('datetime'),
    action: row.querySelector('.badge').dataset.action,
    state: row.querySelector('.action-state').dataset.state,
    calls: row.querySelector('summary')?.textContent ?? null,
    created: row.querySelector('.created')?.textContent ?? null,
    who: row.querySelector('.who').textContent,
  })));
}

// Opens an ad set on `target` and waits until its actions section is drawn.
async function openActions(target, base, adSetId) {
  await target.goto(`${base}/#adset=${adSetId}`);
  await target.waitForFunction((id) => document.querySelector('#detail h2')?.textContent === id &&
    document.querySelector('#detail section.actions') !== null, adSetId);
}

test('an ad set\'s view lists the actions taken on Meta for it, newest first, and who recorded them', async () => {
  const secrets = {dashboard: 'actions-reader-secret', alice: 'apply-alice-secret', bob: 'apply-bob-secret'};
  // Pages of two, so that the page must follow nextPageToken to see them all.
  const daemon = await startRungdWithTokens('actions', {
    'dashboard': {role: 'ROLE_READER', secret: secrets.dashboard},
    'apply-alice': {role: 'ROLE_WRITER', secret: secrets.alice},
    'apply-bob': {role: 'ROLE_WRITER', secret: secrets.bob},
  }, 'limits { max_page_size: 2 }\n');
  const base = `http://${daemon.http}`;
  const {context, page: tokenPage} = await pageWithToken(secrets.dashboard);
  try {
    const account = 'act_acts';
    const weeks = ['as_acted', 'as_acted_dup', 'as_other', 'as_quiet'].map((adSetId) => ({accountId: account,
      campaignId: 'cmp_acts', adSetId, weekStart: '2026-01-05', optimizationEvent: 'Purchase',
      eventCounts: {Purchase: 40}}));
    const record = (adSetId, asOfWeek, action, fields) => ({action: {
      key: `${adSetId}@${asOfWeek}@${action.replace('ACTION_', '')}`, accountId: account, adSetId, asOfWeek,
      action, ...fields}});
    const step = (method, path, fields) => ({method, path, doneTime: '2026-01-13T09:00:00Z', ...fields});
    const climb = record('as_acted', '2026-01-05', 'ACTION_DUPLICATE_AND_CLIMB', {targetEvent: 'AddToCart',
      duplicateAdSetId: 'as_acted_dup', state: 'ACTION_STATE_IN_PROGRESS',
      steps: [step('POST', 'act_acts/adsets', {resultId: 'as_acted_dup'})]});
    const climbDone = {action: {...climb.action, state: 'ACTION_STATE_DONE',
      outcome: 'duplicate as_acted_dup for AddToCart, then a climb test',
      steps: [...climb.action.steps, step('POST', 'as_acted_dup', {params: [{name: 'status', value: 'ACTIVE'}]}),
        step('RUNGD', 'StartClimbTest', {resultId: 'ct_acts'})]}};
    const promote = record('as_acted', '2026-01-19', 'ACTION_PROMOTE_DUPLICATE', {duplicateAdSetId: 'as_acted_dup',
      state: 'ACTION_STATE_FAILED', outcome: '(#100) Invalid parameter',
      steps: [step('POST', 'as_acted_dup', {params: [{name: 'daily_budget', value: '9000'}],
        error: '(#100) Invalid parameter'})]});
    const keep = record('as_acted', '2026-01-26', 'ACTION_KEEP_CURRENT', {duplicateAdSetId: 'as_acted_dup',
      state: 'ACTION_STATE_SKIPPED', outcome: 'ad set as_acted is PAUSED on Meta, not ACTIVE as the advice assumed'});
    const other = record('as_other', '2026-01-05', 'ACTION_MOVE_DOWN', {targetEvent: 'AddToCart',
      duplicateAdSetId: 'as_other_dup', state: 'ACTION_STATE_DONE',
      steps: [step('POST', 'act_acts/adsets', {resultId: 'as_other_dup'})]});
    // Updated last, the climb is newest though recorded first: newest first
    // is then neither key order nor its reverse.
    await grpcCalls(daemon.grpc, [['IngestWeeks', secrets.alice, {weeks}],
      ['RecordAction', secrets.alice, climb], ['RecordAction', secrets.bob, promote],
      ['RecordAction', secrets.alice, keep], ['RecordAction', secrets.bob, other],
      ['RecordAction', secrets.bob, climbDone]]);

    const listed = await allPages(`/v1/accounts/${account}/actions`, 'actions', '', {base, token: secrets.dashboard});
    const byKey = Object.fromEntries(listed.map((action) => [action.key, action]));
    assert.deepEqual(Object.keys(byKey).sort(), [climb, promote, keep, other].map((r) => r.action.key).sort());
    const newestFirst = [[climb, 'apply-bob', '3 calls', 'created as_acted_dup'],
      [keep, 'apply-alice', null, null], [promote, 'apply-bob', '1 call, 1 failed', null]];
    const times = newestFirst.map(([recorded]) => Date.parse(byKey[recorded.action.key].updateTime));
    assert.ok(times[0] >= times[1] && times[1] >= times[2], JSON.stringify(times));
    const expected = newestFirst.map(([recorded, who, calls, created]) => {
      const stored = byKey[recorded.action.key];
      assert.equal(stored.recordedBy, who, stored.key);
      return {key: stored.key, who, calls, created,
        time: new Date(stored.updateTime).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
        datetime: stored.updateTime, action: stored.action, state: stored.state};
    });

    // The original's view, and the duplicate's: each lists the three.
    for (const adSetId of ['as_acted', 'as_acted_dup']) {
      await openActions(tokenPage, base, adSetId);
      assert.deepEqual(await actionRows(tokenPage), expected, adSetId);
      if (adSetId === 'as_acted') {
        await tokenPage.click('#detail table.actions tbody tr:first-child summary');
        await screenshot('dashboard-actions.png', tokenPage);
      }
    }

    // Another ad set of the same account: nothing applied to it.
    await openActions(tokenPage, base, 'as_quiet');
    assert.equal(await tokenPage.$$eval('#detail table.actions', (tables) => tables.length), 0);
    assert.match(await tokenPage.textContent('#detail section.actions .notice.empty'),
      /Nothing applied yet.*through rungctl apply/);
  } finally {
    await context.close();
    await stopRungd(daemon);
  }
});

test('a failed load of the actions shows the API\'s message, and the rest of the ad set still shows', async () => {
  const rec = (await allRecommendations())[0];
  const message = 'the database is locked past the busy timeout';
  const actions = /\/v1\/accounts\/[^/]+\/actions(\?|$)/;
  await page.route(actions, (request) => request.fulfill({status: 503, contentType: 'application/json',
    body: JSON.stringify({error: {code: 503, status: 'UNAVAILABLE', message}})}));
  try {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#adset=${rec.adSetId}`);
    await page.waitForSelector('#detail section.actions .notice.error');
    assert.match(await page.textContent('#detail section.actions .notice.error'),
      new RegExp(`Could not load the actions taken on Meta.*${message}`));
    assert.equal(await page.isVisible('#detail ol.ladder'), true);
  } finally {
    await page.unroute(actions);
  }
});

// The policy panel of the list view once its answer is drawn: `title` is
// "Policy of ACCOUNT" or "Deployment policy", waited for so that a panel
// still showing the account before is never read.
async function policyPanel(target, title) {
  await target.waitForFunction((want) => {
    const summary = document.querySelector('#policy-summary');
    return summary.querySelector('.policy-title')?.textContent === want && !summary.textContent.includes('Loading…');
  }, title);
  return target.$eval('#policy', (panel) => ({
    summary: panel.querySelector('summary').textContent,
    values: [...panel.querySelectorAll('dl.policy-values > div')].map((item) => ({
      field: item.querySelector('dt').textContent,
      value: item.querySelector('dd').firstChild.textContent,
      badge: item.querySelector('.set-badge')?.textContent ?? null,
      bold: getComputedStyle(item.querySelector('dd')).fontWeight === '700',
    })),
    ladders: [...panel.querySelectorAll('ul.policy-ladders > li')].map((item) => ({
      name: item.querySelector('strong').textContent, isDefault: item.querySelector('.marker.default') !== null,
      text: item.textContent})),
    hint: panel.querySelector('.hint').textContent,
  }));
}

// What the panel should show for a Policy as the JSON API answers it: every
// threshold (its numbers, in the API's order), by the name a policy file uses.
function expectedValues(policy, setFor) {
  return Object.entries(policy).filter(([, value]) => typeof value === 'number').map(([key, value]) => {
    const set = key in policy.stored;
    return {field: key.replace(/[A-Z]/g, (letter) => '_' + letter.toLowerCase()), value: String(value),
      badge: set ? 'set for ' + setFor : null, bold: set};
  });
}

// The text of the ad set view's fact `term`.
function factText(target, term) {
  return target.$$eval('#detail dl.facts > div', (facts, term) =>
    facts.find((item) => item.querySelector('dt').textContent === term)?.querySelector('dd').textContent ?? null, term);
}

test('the list shows the policy of the account in view, marking what is set for it, or the deployment\'s', async () => {
  const secrets = {dashboard: 'policy-reader-secret', alice: 'policy-writer-secret', ops: 'policy-admin-secret'};
  const daemon = await startRungdWithTokens('policy', {
    'dashboard': {role: 'ROLE_READER', secret: secrets.dashboard},
    'alice': {role: 'ROLE_WRITER', secret: secrets.alice},
    'ops': {role: 'ROLE_ADMIN', secret: secrets.ops},
  });
  const base = `http://${daemon.http}`;
  const read = {base, token: secrets.dashboard};
  const {context, page: tokenPage} = await pageWithToken(secrets.dashboard);
  try {
    // Two accounts evaluated under the deployment's policy; then a writer
    // gives one of them a learning threshold of its own, and nothing is
    // evaluated since.
    const weeks = [];
    for (const [account, adSetId] of [['act_pol', 'as_pol'], ['act_plain', 'as_plain']]) {
      for (const [weekStart, count] of [['2026-01-05', 44], ['2026-01-12', 46], ['2026-01-19', 45]]) {
        weeks.push({accountId: account, campaignId: 'cmp_' + account, adSetId, weekStart,
          optimizationEvent: 'Purchase', eventCounts: {Purchase: count, AddToCart: count * 4}});
      }
    }
    await grpcCalls(daemon.grpc, [['IngestWeeks', secrets.alice, {weeks}],
      ['EvaluateAdSets', secrets.ops, {asOfWeek: '2026-01-19'}],
      ['UpdatePolicy', secrets.alice, {accountId: 'act_pol', policy: {learningThreshold: 40},
        reason: 'high-ticket store: 40 purchases a week is plenty'}]]);

    const deployment = await apiOk('/v1/policy', read);
    const changed = await apiOk('/v1/accounts/act_pol/policy', read);
    const plain = await apiOk('/v1/accounts/act_plain/policy', read);
    assert.equal(changed.learningThreshold, 40);
    assert.deepEqual(changed.stored, {ladders: [], learningThreshold: 40});
    assert.notEqual(changed.version, deployment.version);
    assert.equal(changed.revision, '1');
    assert.equal(plain.version, deployment.version, 'an account with nothing set has the deployment\'s');
    assert.equal(plain.revision, '0');
    assert.ok(deployment.learningThreshold !== 40 && !('learningThreshold' in deployment.stored));
    assert.equal(expectedValues(changed, '').length, 13, 'the thirteen thresholds of rung.v1.Policy');

    // The account changed: its version and revision, 40 marked as its own,
    // every other value as the API answers it and unmarked.
    await tokenPage.goto(`${base}/#account=act_pol`);
    await tokenPage.click('#policy summary');
    let panel = await policyPanel(tokenPage, 'Policy of act_pol');
    assert.equal(panel.summary, `Policy of act_pol · version ${changed.version} · revision 1`);
    assert.deepEqual(panel.values, expectedValues(changed, 'this account'));
    assert.deepEqual(panel.values.filter((value) => value.badge),
      [{field: 'learning_threshold', value: '40', badge: 'set for this account', bold: true}]);
    assert.deepEqual(panel.ladders.map(({name, isDefault}) => ({name, isDefault})),
      changed.ladders.map(({name}) => ({name, isDefault: name === changed.defaultLadder})));
    for (const [i, ladder] of changed.ladders.entries()) {
      assert.ok(panel.ladders[i].text.endsWith(': ' + ladder.events.join(' → ')), panel.ladders[i].text);
    }
    assert.ok(panel.hint.includes('rungctl policy set FILE --account act_pol --reason "..."'), panel.hint);
    assert.equal(await tokenPage.isVisible('#policy dl.policy-values'), true);
    await tokenPage.waitForSelector('#recommendations tr[data-ad-set-id="as_pol"]');
    await screenshot('dashboard-policy.png', tokenPage);

    // An account with nothing of its own: the deployment's values, unmarked.
    await tokenPage.selectOption('#account-filter', 'act_plain');
    panel = await policyPanel(tokenPage, 'Policy of act_plain');
    assert.equal(panel.summary, `Policy of act_plain · version ${deployment.version} · from the config file`);
    assert.deepEqual(panel.values, expectedValues(plain, 'this account'));
    assert.ok(panel.values.every((value) => value.badge === null && !value.bold));

    // No account: the deployment's policy.
    await tokenPage.selectOption('#account-filter', '');
    panel = await policyPanel(tokenPage, 'Deployment policy');
    assert.equal(panel.summary, `Deployment policy · version ${deployment.version} · ` +
      (deployment.revision === '0' ? 'from the config file' : `revision ${deployment.revision}`));
    assert.deepEqual(panel.values, expectedValues(deployment, 'the deployment'));
    assert.ok(panel.hint.includes('rungctl policy set FILE --reason "..."'), panel.hint);

    // The advice of act_pol predates its change, and says which is current;
    // act_plain's was made under the policy still in effect.
    const polRec = await apiOk('/v1/adsets/as_pol/recommendation', read);
    const plainRec = await apiOk('/v1/adsets/as_plain/recommendation', read);
    assert.equal(polRec.policyVersion, deployment.version);
    assert.equal(plainRec.policyVersion, plain.version);
    for (const [adSetId, expected] of [['as_plain', plainRec.policyVersion],
      ['as_pol', `${polRec.policyVersion} (current: ${changed.version})`]]) {
      await tokenPage.goto(`${base}/#adset=${adSetId}`);
      await tokenPage.waitForFunction((id) => document.querySelector('#detail h2')?.textContent === id &&
        document.querySelector('#detail dl.facts') !== null, adSetId);
      assert.equal(await factText(tokenPage, 'Policy'), expected, adSetId);
    }
    await screenshot('dashboard-policy-adset.png', tokenPage);
  } finally {
    await context.close();
    await stopRungd(daemon);
  }
});

test('a failed load of the policy shows the API\'s message in the panel only', async () => {
  const recs = await allRecommendations('&account_id=act_1001');
  assert.ok(recs.length > 0);
  const message = 'the database is locked past the busy timeout';
  const policy = /\/v1\/accounts\/[^/]+\/policy$/;
  await page.route(policy, (request) => request.fulfill({status: 503, contentType: 'application/json',
    body: JSON.stringify({error: {code: 503, status: 'UNAVAILABLE', message}})}));
  try {
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#account=act_1001`);
    await page.waitForSelector('#policy .notice.error', {state: 'attached'});
    assert.match(await page.textContent('#policy .notice.error'), new RegExp(`Could not load the policy.*${message}`));
    assert.equal(await page.isVisible('#policy .notice.error'), true, 'the panel opens to show it');
    await waitForRows(ids(recs));
    assert.equal(await page.$$eval('#list-notice .notice, #detail .notice', (notices) => notices.length), 0);
  } finally {
    await page.unroute(policy);
  }
});

// --- The accounts overview and an account's page.

// The overview's rows once their ids are exactly `expected`, in that order;
// on a timeout, fails with what the table holds instead.
async function accountRows(expected) {
  const read = () => page.$$eval('#accounts tbody tr', (rows) => rows.map((row) => ({
    id: row.dataset.accountId,
    href: row.querySelector('th a').getAttribute('href'),
    name: row.querySelector('td.name').textContent,
    adSets: row.querySelector('td.ad-sets').textContent,
    lastWeek: row.querySelector('td.last-week').textContent,
    evaluated: row.querySelector('td.evaluated').textContent,
    needing: row.querySelector('td.needing').textContent,
    emphasised: row.querySelector('td.needing .attention') !== null,
    lastSync: row.querySelector('td.last-sync').textContent,
  })));
  try {
    await page.waitForFunction((want) => [...document.querySelectorAll('#accounts tbody tr')]
      .map((row) => row.dataset.accountId).join() === want, expected.join());
  } catch (error) {
    assert.deepEqual((await read()).map((row) => row.id), expected);
    throw error;
  }
  return read();
}

// The account page once `accountId` at `week` is drawn with its charts.
async function openSummary(hash, accountId, week) {
  await page.goto('about:blank');
  await page.goto(`${baseUrl}/${hash}`);
  await waitForSummary(accountId, week);
}

async function waitForSummary(accountId, week) {
  await page.waitForFunction(([id, week]) => document.querySelector('#account-title')?.textContent === id &&
    document.querySelector('#account-content .account-about')?.textContent.includes('as of ' + week) &&
    document.querySelector('#account-content svg.trend-share') !== null, [accountId, week]);
}

function summaryPage() {
  return page.$eval('#account-content', (content) => {
    const stats = Object.fromEntries([...content.querySelectorAll('dl.stats > div')].map((item) =>
      [item.dataset.stat, item.querySelector('dd').textContent]));
    const rowsOf = (kind) => [...content.querySelectorAll(`table.breakdown.${kind} tbody tr`)].map((row) => ({
      key: row.dataset.key, count: row.querySelector('td.number').textContent,
      href: row.querySelector('th a')?.getAttribute('href') ?? null}));
    return {
      about: content.querySelector('.account-about').textContent,
      stats, attention: content.querySelector('[data-stat="needing"] .attention') !== null,
      changes: [...content.querySelectorAll('table.changes tbody tr')].map((row) => ({
        id: row.dataset.adSetId, href: row.querySelector('th a').getAttribute('href'),
        before: row.querySelector('td.change .before .badge')?.dataset.action ?? null,
        after: row.querySelector('td.change .after .badge')?.dataset.action ?? null})),
      started: [...content.querySelectorAll('ul.tests.started li')].map((item) => ({
        id: item.dataset.climbTestId, links: [...item.querySelectorAll('a')].map((a) => a.getAttribute('href'))})),
      actions: rowsOf('actions'), statuses: rowsOf('statuses'), rungs: rowsOf('rungs'),
      bars: [...content.querySelectorAll('svg.trend-statuses g.bar')].map((bar) => ({
        week: bar.dataset.week, adSets: Number(bar.dataset.adSets),
        segments: [...bar.querySelectorAll('rect.seg')].map((rect) => ({status: rect.dataset.status,
          count: Number(rect.dataset.count), height: Number(rect.getAttribute('height')),
          x: Number(rect.getAttribute('x'))}))})),
      points: [...content.querySelectorAll('svg.trend-share circle.share-point')].map((point) => ({
        week: point.dataset.week, share: Number(point.dataset.share),
        cx: Number(point.getAttribute('cx')), cy: Number(point.getAttribute('cy'))})),
      labels: [...content.querySelectorAll('svg.chart')].map((svg) => svg.getAttribute('aria-label')),
    };
  });
}

// What the stacked bar of a week should hold: its ad sets per learning
// status as answered, then those without a record that week.
function expectedSegments(figures) {
  const segments = (figures.learningStatuses ?? []).filter((item) => Number(item.count) > 0)
    .map((item) => ({status: item.learningStatus, count: Number(item.count)}));
  const counted = segments.reduce((sum, segment) => sum + segment.count, 0);
  if (Number(figures.adSets) > counted) segments.push({status: 'NO_RECORD', count: Number(figures.adSets) - counted});
  return segments;
}

const moneyValue = (text) => Number(text.replaceAll(',', ''));
const percentText = (share) => (100 * share).toFixed(1) + '%';

test('the page opens on the accounts, those that need a person first, with the API\'s numbers', async () => {
  // One account with a sync and a name, and one known from its sync only.
  await grpcCalls(rungd.grpc, [
    ['RecordAccountSync', '', {account: {accountId: 'act_2002', name: 'Summer Sale Shop', currency: 'EUR',
      timeZone: 'Europe/Berlin'}}],
    ['RecordAccountSync', '', {account: {accountId: 'act_0042', name: 'Synced, nothing stored'}}]]);
  const accounts = await allPages('/v1/accounts', 'accounts');
  assert.ok(accounts.length >= 3, JSON.stringify(accounts));
  const needing = (account) => Number(account.needingAttention);
  assert.ok(accounts.some((account) => needing(account) > 0) && accounts.some((account) => needing(account) === 0));
  // The API answers in id order; the page puts those that need a person first.
  const expected = [...accounts].sort((a, b) => needing(b) - needing(a) || (a.accountId < b.accountId ? -1 : 1));
  assert.notDeepEqual(expected.map((a) => a.accountId), accounts.map((a) => a.accountId),
    'the data should make the order matter');

  await page.goto('about:blank');
  await page.goto(baseUrl + '/');
  const rows = await accountRows(expected.map((account) => account.accountId));
  assert.deepEqual(rows, expected.map((account) => ({
    id: account.accountId, href: `#summary=${account.accountId}`, name: account.name || '—',
    adSets: String(Number(account.adSets)), lastWeek: account.lastWeekStored || 'nothing stored',
    evaluated: account.latestEvaluatedWeek || 'not evaluated yet', needing: String(needing(account)),
    emphasised: needing(account) > 0,
    lastSync: account.lastSyncTime ? account.lastSyncTime.replace('T', ' ').slice(0, 16) + ' UTC' : 'never'})));
  assert.ok(rows.some((row) => row.lastSync !== 'never') && rows.some((row) => row.name === 'Summer Sale Shop'));
  const total = accounts.reduce((sum, account) => sum + needing(account), 0);
  assert.equal(await page.textContent('#accounts-summary'), `${accounts.length} accounts · ${total} ad sets need you`);
  assert.equal(await page.getAttribute('#nav-accounts', 'aria-current'), 'page');
  assert.equal(await page.isHidden('#list-view'), true, 'the ad set list is not shown');
  await screenshot('dashboard-accounts.png');

  // A row leads to its account's page.
  const first = expected[0];
  await page.click(`#accounts tr[data-account-id="${first.accountId}"] td.ad-sets`);
  await waitForSummary(first.accountId, first.latestEvaluatedWeek);
  assert.equal(new URL(page.url()).hash, `#summary=${first.accountId}`);
});

test('an account\'s page shows the summary\'s figures, what changed, and the weekly trend', async () => {
  const account = 'act_1001';
  let summary = await apiOk(`/v1/accounts/${account}/summary`);
  // A climb test started this week: one running, one started.
  const climbing = (await allRecommendations(`&account_id=${account}&action=ACTION_DUPLICATE_AND_CLIMB`))[0];
  assert.ok(climbing, 'the demo should have an ad set to climb');
  await grpcCalls(rungd.grpc, [['StartClimbTest', '', {originalAdSetId: climbing.adSetId,
    duplicateAdSetId: climbing.adSetId + '_dup', startWeek: summary.asOfWeek}]]);
  summary = await apiOk(`/v1/accounts/${account}/summary`);
  const {figures, trend} = summary;
  assert.ok(trend.length >= 3, 'the demo should evaluate several weeks');
  assert.ok(summary.previousWeek && summary.changes.length > 0, 'the demo should change some advice');
  assert.equal(summary.testsStarted.length, 1);
  assert.ok(trend.some((week) => expectedSegments(week).some((segment) => segment.status === 'NO_RECORD')) ||
    trend.every((week) => expectedSegments(week).length > 1), 'the bars should stack');

  await openSummary(`#summary=${account}`, account, summary.asOfWeek);
  const shown = await summaryPage();
  assert.equal(shown.about, `as of ${summary.asOfWeek} · compared with ${summary.previousWeek}`);

  // Headline figures.
  assert.equal(shown.stats['ad-sets'], String(Number(figures.adSets)));
  assert.equal(shown.stats.needing, String(Number(figures.needingAttention)));
  assert.equal(shown.attention, Number(figures.needingAttention) > 0);
  assert.equal(moneyValue(shown.stats.spend), Number(figures.spendMicros) / 1e6);
  assert.equal(moneyValue(shown.stats.below), Number(figures.spendBelowThresholdMicros) / 1e6);
  assert.equal(shown.stats.share, percentText(figures.spendShareBelowThreshold));
  assert.equal(shown.stats['climb-tests'], summary.climbTests.map((item) =>
    `${Number(item.count)} ${item.state.replace('CLIMB_TEST_STATE_', '').replaceAll('_', ' ').toLowerCase()}`).join(', '));
  assert.equal(shown.stats['climb-tests'], '1 running');

  // What changed: each ad set from -> to, linking to its view; the test started.
  assert.deepEqual(shown.changes, summary.changes.map((change) => ({id: change.adSetId,
    href: `#adset=${change.adSetId}`, before: change.before === 'ACTION_UNSPECIFIED' ? null : change.before,
    after: change.after})));
  const test = summary.testsStarted[0];
  assert.deepEqual(shown.started, [{id: test.climbTestId,
    links: [`#adset=${test.originalAdSetId}`, `#adset=${test.duplicateAdSetId}`]}]);

  // The breakdowns; an action links to the list of those ad sets that week.
  assert.deepEqual(shown.actions, figures.actions.filter((item) => Number(item.count) > 0).map((item) => ({
    key: item.action, count: String(Number(item.count)),
    href: `#account=${account}&action=${item.action}&week=${summary.asOfWeek}`})));
  assert.deepEqual(shown.statuses, expectedSegments(figures).map((segment) => ({key: segment.status,
    count: String(segment.count), href: null})));
  assert.deepEqual(Object.fromEntries(shown.rungs.map((row) => [row.key, Number(row.count)])),
    Object.fromEntries(Object.entries(figures.rungs).map(([event, n]) => [event, Number(n)])));

  // The learning statuses: a stacked bar per evaluated week, its segments the
  // counts answered, on one scale, weeks left to right.
  assert.deepEqual(shown.bars.map(({week, adSets, segments}) => ({week, adSets,
    segments: segments.map(({status, count}) => ({status, count}))})),
  trend.map((week) => ({week: week.week, adSets: Number(week.adSets), segments: expectedSegments(week)})));
  const unit = shown.bars[0].segments.reduce((sum, segment) => sum + segment.height, 0) / shown.bars[0].adSets;
  for (const [i, bar] of shown.bars.entries()) {
    for (const segment of bar.segments) {
      assert.ok(Math.abs(segment.height - segment.count * unit) < 0.3, `${bar.week} ${segment.status}: ${segment.height}`);
    }
    if (i > 0) assert.ok(bar.segments[0].x > shown.bars[i - 1].segments[0].x, bar.week);
  }
  // The share of spend below T: a point per evaluated week at its share.
  assert.deepEqual(shown.points.map(({week, share}) => ({week, share})),
    trend.map((week) => ({week: week.week, share: week.spendShareBelowThreshold})));
  for (const a of shown.points) {
    for (const b of shown.points) {
      if (a.share > b.share) assert.ok(a.cy < b.cy, `${a.week} ${a.share} is drawn above ${b.week} ${b.share}`);
    }
  }
  assert.equal(shown.labels.length, 2);
  assert.match(shown.labels[0], new RegExp(`Ad sets per learning status, ${trend.length} evaluated weeks`));
  assert.ok(shown.labels[1].endsWith(trend.map((week) =>
    `${week.week} ${percentText(week.spendShareBelowThreshold)}`).join(', ')), shown.labels[1]);
  await page.click('#account-policy-slot #policy summary');
  await page.waitForSelector('#account-policy-slot #policy dl.policy-values', {state: 'visible'});
  assert.match(await page.textContent('#account-policy-slot #policy summary'), new RegExp(`^Policy of ${account} · version`));
  await page.click('#account-policy-slot #policy summary');
  await screenshot('dashboard-account-summary.png');

  // A changed ad set opens its view.
  const changed = summary.changes[0].adSetId;
  await page.click(`#account-content table.changes tr[data-ad-set-id="${changed}"] th a`);
  await page.waitForFunction((id) => document.querySelector('#detail h2')?.textContent === id &&
    document.querySelector('#detail ol.ladder') !== null, changed);
  assert.equal(new URL(page.url()).hash, `#adset=${changed}`);

  // An action opens the list of that account's ad sets with it that week.
  await page.goBack();
  await waitForSummary(account, summary.asOfWeek);
  const action = [...figures.actions].sort((a, b) => b.count - a.count)[0];
  const listed = await allRecommendations(`&account_id=${account}&action=${action.action}&as_of_week=${summary.asOfWeek}`);
  assert.equal(listed.length, Number(action.count));
  await page.click(`#account-content table.breakdown.actions tr[data-key="${action.action}"] a`);
  await waitForRows(ids(listed));
  assert.equal(await page.inputValue('#account-filter'), account);
  assert.equal(await page.inputValue('#action-filter'), action.action);
  assert.match(await page.textContent('#list-week'), new RegExp(`week of ${summary.asOfWeek}`));

  // An earlier week: its figures, compared with the week before it.
  const earlier = trend[trend.length - 2];
  await openSummary(`#summary=${account}`, account, summary.asOfWeek);
  await page.click(`#account-content nav.week-nav a[href="#summary=${account}&week=${earlier.week}"]`);
  await waitForSummary(account, earlier.week);
  const before = await apiOk(`/v1/accounts/${account}/summary?as_of_week=${earlier.week}`);
  const earlierShown = await summaryPage();
  assert.equal(earlierShown.about, `as of ${earlier.week} · compared with ${before.previousWeek}`);
  assert.equal(earlierShown.stats.share, percentText(earlier.spendShareBelowThreshold));
  assert.deepEqual(earlierShown.points.map((point) => point.week), before.trend.map((week) => week.week));
  // Its links still lead to every evaluated week, the later ones too.
  assert.deepEqual(await page.$$eval('#account-content nav.week-nav > *', (items) => items.map((item) =>
    [item.textContent, item.getAttribute('href')])), trend.map((week, i) => [week.week,
    week.week === earlier.week ? null : `#summary=${account}` + (i === trend.length - 1 ? '' : `&week=${week.week}`)]));

  // At a phone's width nothing overflows the page.
  await page.setViewportSize({width: 390, height: 844});
  try {
    await openSummary(`#summary=${account}`, account, summary.asOfWeek);
    const widths = await page.evaluate(() => ({page: document.documentElement.scrollWidth,
      viewport: window.innerWidth, charts: [...document.querySelectorAll('svg.chart')]
        .map((svg) => svg.getBoundingClientRect().right)}));
    assert.ok(widths.page <= widths.viewport, JSON.stringify(widths));
    for (const right of widths.charts) assert.ok(right <= widths.viewport, JSON.stringify(widths));
    await screenshot('dashboard-account-summary-narrow.png');
  } finally {
    await page.setViewportSize({width: 1280, height: 900});
  }
});

test('an account not evaluated yet, or not known, says so with the command to run', async () => {
  const asOfWeek = (await allRecommendations())[0].asOfWeek;
  await grpcCalls(rungd.grpc, [['IngestWeeks', '', {weeks: ['as_fresh_1', 'as_fresh_2'].map((adSetId) => ({
    accountId: 'act_fresh', campaignId: 'cmp_fresh', adSetId, weekStart: asOfWeek, optimizationEvent: 'Purchase',
    eventCounts: {Purchase: 12}}))}]]);
  for (const [account, text] of [
    ['act_fresh', /^Not evaluated yet\.2 ad sets are stored for this account but none has advice: run rungctl evaluate --account act_fresh\.$/],
    ['act_unknown', /^Not evaluated yet\.Nothing is stored for this account: ingest or sync it first \(rungctl sync --account act_unknown\), then run rungctl evaluate --account act_unknown\.$/],
  ]) {
    const {status, body} = await api(`/v1/accounts/${account}/summary`);
    assert.equal(status, 404, JSON.stringify(body));
    assert.equal(body.error.status, 'NOT_FOUND');
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#summary=${account}`);
    await page.waitForSelector('#account-content .notice');
    assert.equal(await page.getAttribute('#account-content .notice', 'class'), 'notice empty');
    assert.match(await page.textContent('#account-content .notice'), text);
    assert.equal(await page.textContent('#account-title'), account);
    assert.equal(await page.$$eval('#account-content svg, #account-content dl.stats', (nodes) => nodes.length), 0);
  }

  // A week without advice names the latest and links to it.
  const week = '2020-01-06';
  const {status, body} = await api(`/v1/accounts/act_1001/summary?as_of_week=${week}`);
  assert.equal(status, 404);
  await page.goto(`${baseUrl}/#summary=act_1001&week=${week}`);
  await page.waitForSelector('#account-content .notice');
  const text = await page.textContent('#account-content .notice');
  assert.ok(text.startsWith(`No advice stored for the week of ${week}.${body.error.message}`), text);
  assert.equal(await page.getAttribute('#account-content .notice a', 'href'), '#summary=act_1001');
});

test('a failed load of the accounts or of a summary shows the API\'s message', async () => {
  const message = 'the database is locked past the busy timeout';
  const unavailable = (request) => request.fulfill({status: 503, contentType: 'application/json',
    body: JSON.stringify({error: {code: 503, status: 'UNAVAILABLE', message}})});
  for (const [pattern, hash, where, title] of [
    [/\/v1\/accounts(\?|$)/, '', '#accounts-notice', 'Could not load the accounts.'],
    [/\/v1\/accounts\/[^/]+\/summary(\?|$)/, '#summary=act_1001', '#account-content', 'Could not load the summary of this account.'],
  ]) {
    await page.route(pattern, unavailable);
    try {
      await page.goto('about:blank');
      await page.goto(`${baseUrl}/${hash}`);
      await page.waitForSelector(`${where} .notice.error`);
      assert.equal(await page.textContent(`${where} .notice.error`), title + message);
    } finally {
      await page.unroute(pattern);
    }
  }
});

test('a concluded climb test shows under what changed, with its outcome', async () => {
  // No demo test concludes: the summary's answer gets one, as the API would write it.
  const summaryRoute = /\/v1\/accounts\/act_2002\/summary(\?|$)/;
  await page.route(summaryRoute, async (route) => {
    const response = await route.fetch();
    const summary = await response.json();
    summary.testsConcluded = [{climbTestId: 'ct_done', originalAdSetId: 'as_funnel_inversion',
      duplicateAdSetId: 'as_funnel_dup', fromEvent: 'AddToCart', toEvent: 'InitiateCheckout', startWeek: '2026-10-05',
      state: 'CLIMB_TEST_STATE_PROMOTED', concludedWeek: summary.asOfWeek, accountId: 'act_2002'}];
    await route.fulfill({response, json: summary});
  });
  try {
    const asOfWeek = (await apiOk('/v1/accounts/act_2002/summary')).asOfWeek;
    await openSummary('#summary=act_2002', 'act_2002', asOfWeek);
    assert.equal(await page.textContent('#account-content ul.tests.concluded li[data-climb-test-id="ct_done"]'),
      `ct_done: as_funnel_inversion (AddToCart) against as_funnel_dup (InitiateCheckout), started 2026-10-05, promoted at ${asOfWeek}`);
  } finally {
    await page.unroute(summaryRoute);
  }
});

// Money as rungctl prints it, worked out apart from the page's own code:
// cents rounded half up, then grouped, then the currency when known.
function moneyText(micros, currency) {
  const cents = Math.round(Number(micros) / 1e4);
  const text = `${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
  return currency ? `${text} ${currency}` : text;
}

// The demo's act_2002 as a sync records it; act_1001 was never synced.
const recordEuroAccount = () => grpcCalls(rungd.grpc, [['RecordAccountSync', '', {account: {accountId: 'act_2002',
  name: 'Summer Sale Shop', currency: 'EUR', timeZone: 'Europe/Berlin'}}]]);

test('an ad set\'s view shows each rung\'s budget to leave learning, in its account\'s currency', async () => {
  await recordEuroAccount();
  const recs = await allRecommendations();
  for (const [account, currency] of [['act_2002', 'EUR'], ['act_1001', '']]) {
    const rec = recs.find((candidate) => candidate.accountId === account && candidate.learningBudget?.weeklySpendMicros);
    assert.ok(rec, `the demo should give ${account} an ad set with spend`);
    const budget = rec.learningBudget;
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#adset=${rec.adSetId}`);
    await page.waitForSelector('#detail table.budget');
    const shown = await page.$eval('#detail section.budget', (section) => ({
      intro: section.querySelector('.budget-intro').textContent,
      head: [...section.querySelectorAll('thead th')].map((cell) => cell.textContent),
      rows: [...section.querySelectorAll('tbody tr')].map((row) => ({event: row.dataset.event,
        current: row.classList.contains('current'), cost: row.querySelector('td.cost')?.textContent ?? null,
        weekly: row.querySelector('td.weekly')?.textContent ?? null,
        none: row.querySelector('td.none')?.textContent ?? null}))}));
    const weeks = budget.spendWeeks;
    assert.equal(shown.intro, `Over ${weeks} week${weeks === 1 ? '' : 's'} with spend the ad set spends ` +
      `${moneyText(budget.weeklySpendMicros, currency)}/week. Each budget is a lower bound: the cost per event rises with spend.`);
    assert.equal(shown.head[2], `To reach T = ${rec.learningThreshold}/week`);
    // Highest rung first, as the ladder shows them.
    assert.deepEqual(shown.rows, [...budget.rungs].reverse().map((rung) => ({event: rung.event,
      current: rung.event === rec.currentEvent,
      cost: rung.weeklyBudgetMicros ? moneyText(rung.costPerEventMicros, currency) : null,
      weekly: rung.weeklyBudgetMicros ? moneyText(rung.weeklyBudgetMicros, currency) + '/week' : null,
      none: rung.weeklyBudgetMicros ? null : 'counted none'})));
    assert.ok(shown.rows.some((row) => row.cost !== null), rec.adSetId);
    if (currency) await screenshot('dashboard-detail-budget.png');
  }
});

test('without spend, an ad set\'s view says its budget cannot be estimated', async () => {
  const asOfWeek = (await allRecommendations())[0].asOfWeek;
  await grpcCalls(rungd.grpc, [
    ['IngestWeeks', '', {weeks: [{accountId: 'act_unspent', campaignId: 'cmp_unspent', adSetId: 'as_unspent',
      weekStart: asOfWeek, optimizationEvent: 'Purchase', eventCounts: {Purchase: 40}}]}],
    ['EvaluateAdSets', '', {asOfWeek, adSetIds: ['as_unspent']}]]);
  const rec = await apiOk('/v1/adsets/as_unspent/recommendation');
  assert.ok(rec.learningBudget.rungs.length > 0 && !rec.learningBudget.weeklySpendMicros, JSON.stringify(rec));

  await page.goto(`${baseUrl}/#adset=as_unspent`);
  await page.waitForSelector('#detail section.budget');
  assert.equal(await page.textContent('#detail section.budget .budget-intro'),
    'Cannot be estimated without spend: no week of the consistency window reports any.');
  assert.equal(await page.$$eval('#detail table.budget', (tables) => tables.length), 0);
});

test('an account\'s page shows how many ad sets its spend could keep at T on each rung', async () => {
  await recordEuroAccount();
  for (const [account, currency] of [['act_2002', 'EUR'], ['act_1001', '']]) {
    const summary = await apiOk(`/v1/accounts/${account}/summary`);
    const capacity = summary.learningCapacity;
    assert.ok(capacity.rungs.length > 0, JSON.stringify(capacity));
    await openSummary(`#summary=${account}`, account, summary.asOfWeek);
    const shown = await page.$eval('#account-content section.capacity', (section) => ({
      intro: section.querySelector('.budget-intro').textContent,
      rows: [...section.querySelectorAll('tbody tr')].map((row) => ({event: row.dataset.event,
        adSets: row.querySelector('td.ad-sets').textContent, weekly: row.querySelector('td.weekly').textContent}))}));
    assert.equal(shown.intro, `At the costs its ad sets saw, the account's weekly spend of ` +
      `${moneyText(capacity.weeklySpendMicros, currency)} could keep this many ad sets at their learning threshold ` +
      'on each rung. Lower bounds: costs rise with spend.');
    assert.deepEqual(shown.rows, capacity.rungs.map((rung) => ({event: rung.event,
      adSets: String(Number(rung.adSetsAtThreshold)), weekly: moneyText(rung.blendedWeeklyBudgetMicros, currency) + '/week'})));
    assert.equal(await page.textContent('#account-content dl.stats [data-stat="spend"] dd'),
      moneyText(summary.figures.spendMicros, currency));
    if (currency) await screenshot('dashboard-account-capacity.png');
  }
});

test('the page raised no script errors', () => {
  assert.deepEqual(pageErrors, []);
});
