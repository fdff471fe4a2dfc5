// The sample page: log in, mount OrderView and ChartView over socket.io, render
// their assigns, call handlers, and apply the assigns the server pushes when
// someone else changes an order (over HTTP, with a token, from another tab).

// The package's browser client (nestjs-djust/client), served from the compiled
// src/client/ at /djust-client/. It uses the global `io` of /socket.io/socket.io.js.
import { connectDjust, watchConnection } from '/djust-client/index.js';

const ACK_TIMEOUT_MS = 10_000;
const $ = (selector) => document.querySelector(selector);

/** The djust client of the logged-in session, and the two mounted views. */
let client = null;
let stopWatching = null;
let orderView = null;
let chartView = null;

// ---- rendering --------------------------------------------------------------

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const CAN_SHIP = new Set(['new', 'paid']);
const CAN_REFUND = new Set(['paid', 'shipped', 'delivered']);
let previousStatus = new Map();

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(label, enabled, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.disabled = !enabled;
  b.addEventListener('click', onClick);
  return b;
}

function renderOrders({ orders }) {
  const body = $('#orders tbody');
  body.replaceChildren(
    ...orders.map((order) => {
      const tr = document.createElement('tr');
      tr.dataset.orderId = String(order.id);
      tr.dataset.status = order.status;
      const changed = previousStatus.has(order.id) && previousStatus.get(order.id) !== order.status;
      if (changed) tr.classList.add('flash');
      const status = document.createElement('span');
      status.className = `status status-${order.status}`;
      status.textContent = order.status;
      const statusCell = document.createElement('td');
      statusCell.append(status);
      const actions = document.createElement('td');
      actions.className = 'actions';
      actions.append(
        button('Ship', CAN_SHIP.has(order.status), () => run('update_status', { order_id: order.id, status: 'shipped' })),
        button('Refund', CAN_REFUND.has(order.status), () => run('refund', { order_id: order.id })),
      );
      actions.lastChild.classList.add('secondary');
      tr.append(cell(`#${order.id}`), cell(order.customer), cell(order.item), cell(money.format(order.total_cents / 100), 'num'), statusCell, actions);
      return tr;
    }),
  );
  previousStatus = new Map(orders.map((o) => [o.id, o.status]));
}

function renderChart({ metric, chart_data: data }) {
  $('#metric').value = metric;
  if (!data) return;
  const max = Math.max(1, ...data.values);
  const format = (v) => (data.metric === 'revenue_by_status' ? money.format(v / 100) : String(v));
  $('#chart').replaceChildren(
    ...data.labels.map((label, i) => {
      const row = document.createElement('div');
      row.className = 'bar';
      row.dataset.label = label;
      const bar = document.createElement('div');
      bar.style.width = `${(100 * data.values[i]) / max}%`;
      const name = document.createElement('span');
      name.textContent = label;
      const value = document.createElement('span');
      value.className = 'num';
      value.textContent = format(data.values[i]);
      row.append(name, bar, value);
      return row;
    }),
  );
}

function say(text) {
  $('#message').textContent = text;
}

/** Calls a handler of the mounted OrderView; the changed assigns re-render through onAssigns. */
async function run(handler, params) {
  say('');
  try {
    await orderView.call(handler, params);
  } catch (err) {
    say(`${handler}: ${err.message}`);
  }
}

// ---- session ----------------------------------------------------------------

function showLogin() {
  $('#login-panel').hidden = false;
  $('#orders-panel').hidden = true;
  $('#chart-panel').hidden = true;
  $('#logout').hidden = true;
  $('#who').textContent = '';
  $('#username').focus();
}

/** The badge in the header: live, reconnecting (socket.io retries; the views are mounted again on whichever process answers), offline. */
function setConnection(state) {
  $('#connection').dataset.state = state;
  $('#connection').textContent = state === 'reconnecting' ? 'reconnecting…' : state;
}

async function showApp(user) {
  $('#login-panel').hidden = true;
  $('#orders-panel').hidden = false;
  $('#chart-panel').hidden = false;
  $('#logout').hidden = false;
  $('#who').textContent = `${user.username} (${user.permissions.join(', ') || 'no permissions'})`;

  say('');
  stopWatching?.();
  client?.close();
  try {
    // The socket's handshake carries the session cookie: the views see this user.
    client = await connectDjust('', { timeout: ACK_TIMEOUT_MS, onError: (err) => say(`reconnect: ${err.message ?? err}`) });
    orderView = await client.mount('order');
    orderView.onAssigns(renderOrders);
    renderOrders(orderView.assigns);
    chartView = await client.mount('chart', { metric: $('#metric').value });
    chartView.onAssigns(renderChart);
    renderChart(chartView.assigns);
    // When the connection drops (a server process died, a deploy), socket.io
    // reconnects by itself and the client mounts both views again, with fresh
    // assigns, which onAssigns renders: the badge says so meanwhile.
    stopWatching = watchConnection(client, setConnection);
  } catch (err) {
    if (err.status === 401) return showLogin();
    say(`connect: ${err.message}`);
  }
}

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#login-error').textContent = '';
  const res = await fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: $('#username').value, password: $('#password').value }),
  });
  if (!res.ok) {
    $('#login-error').textContent = 'Wrong username or password.';
    return;
  }
  await showApp((await res.json()).user);
});

$('#logout').addEventListener('click', async () => {
  stopWatching?.();
  stopWatching = null;
  client?.close();
  client = null;
  setConnection('offline');
  await fetch('/logout', { method: 'POST' });
  showLogin();
});

$('#metric').addEventListener('change', async () => {
  if (!chartView) return;
  try {
    await chartView.call('get_chart_data', { metric: $('#metric').value });
  } catch (err) {
    say(`get_chart_data: ${err.message}`);
  }
});

$('#curl-example').textContent = [
  `curl -s -c jar -H 'Content-Type: application/json' -d '{"username":"admin","password":"admin"}' ${location.origin}/login`,
  `TOKEN=$(curl -s -b jar ${location.origin}/djust/api/csrf | jq -r .csrfToken)`,
  `curl -s -b jar -H 'Content-Type: application/json' -H "X-CSRF-Token: $TOKEN" \\`,
  `  -d '{"order_id": 43, "status": "shipped"}' ${location.origin}/djust/api/order/update_status/`,
].join('\n');

const me = await fetch('/me');
if (me.ok) await showApp((await me.json()).user);
else showLogin();
