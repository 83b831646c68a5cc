/// The page at `GET /`: pick or record audio and watch interim and final results arrive over the WebSocket;
/// send text to the NLP routes. Plain HTML and JavaScript, no external resources.
enum TestPage {
    static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>tao serve</title>
    <style>
      body { font: 15px/1.45 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1d232a; }
      h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 1.8rem; }
      .muted { color: #66707a; } .row { display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
      button { padding: .35rem .9rem; border-radius: 6px; border: 1px solid #8a96a3; background: #f4f6f8; cursor: pointer; }
      button.rec { background: #ffe9e9; border-color: #d44; }
      #transcript { min-height: 4.5rem; border: 1px solid #d5dbe1; border-radius: 8px; padding: .7rem; background: #fbfcfd; }
      .final { color: #1d232a; } .interim { color: #8a96a3; font-style: italic; }
      table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #e6eaee; vertical-align: top; }
      td.details { font: 12px/1.35 ui-monospace, monospace; word-break: break-all; color: #4a545e; }
      textarea { width: 100%; min-height: 3.5rem; font: inherit; } pre { background: #f4f6f8; padding: .6rem; overflow: auto; border-radius: 6px; }
    </style></head>
    <body>
    <h1>tao serve</h1>
    <div class="muted">Riva's API over WebSocket and HTTP/JSON, on a CPU. <span id="health">checking health…</span></div>
    <h2>Models</h2>
    <table id="models"><tr><th>name</th><th>task</th><th>details</th></tr></table>
    <div class="row"><label>API key <input id="key" type="password" size="18" placeholder="(none)"></label></div>
    <h2>Speech recognition</h2>
    <div class="row">
      <input id="file" type="file" accept="audio/*">
      <label><input id="realtime" type="checkbox" checked> real time</label>
      <button id="send">Stream file</button>
      <button id="record">Record</button>
      <span id="status" class="muted"></span>
    </div>
    <div id="transcript"><span id="finals" class="final"></span> <span id="interim" class="interim"></span></div>
    <h2>Language</h2>
    <div class="row">
      <select id="task"><option>punctuate_text</option><option>classify_text</option><option>classify_tokens</option><option>analyze_intent</option></select>
      <button id="nlp">Send</button>
    </div>
    <textarea id="text">what is the weather like in boston tomorrow</textarea>
    <pre id="nlpResult" class="muted">(the response appears here)</pre>
    <script>
    const $ = (id) => document.getElementById(id);
    const headers = () => { const k = $('key').value; return k ? { 'Authorization': 'Bearer ' + k } : {}; };
    async function loadModels() {
      try {
        const h = await fetch('/health'); const hj = await h.json();
        $('health').textContent = 'health: ' + hj.status + ', ' + hj.models + ' models, ' + hj.active_streams + ' streams open';
        const r = await fetch('/v1/models', { headers: headers() }); const j = await r.json();
        if (!r.ok) { $('health').textContent += ' (models: ' + (j.error ? j.error.message : r.status) + ')'; return; }
        const table = $('models');
        while (table.rows.length > 1) table.deleteRow(1);
        for (const m of j.models) {
          const row = table.insertRow();
          row.insertCell().textContent = m.name; row.insertCell().textContent = m.task;
          const d = Object.assign({}, m); delete d.name; delete d.task; delete d.labels;
          const cell = row.insertCell(); cell.className = 'details'; cell.textContent = JSON.stringify(d);
        }
      } catch (e) { $('health').textContent = 'server unreachable: ' + e; }
    }
    function wsURL() {
      const u = new URL('/v1/asr:stream', location.href); u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
      if ($('key').value) u.searchParams.set('api_key', $('key').value);
      return u.toString();
    }
    function openStream(rate, onOpen) {
      $('finals').textContent = ''; $('interim').textContent = '';
      const ws = new WebSocket(wsURL()); ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        ws.send(JSON.stringify({ streaming_config: { config: { encoding: 'LINEAR_PCM', sample_rate_hertz: rate,
          enable_word_time_offsets: true }, interim_results: true } }));
        $('status').textContent = 'streaming…'; onOpen(ws);
      };
      ws.onmessage = (event) => {
        const m = JSON.parse(event.data);
        if (m.error) { $('status').textContent = m.error.status + ': ' + m.error.message; return; }
        for (const r of m.results || []) {
          const text = r.alternatives && r.alternatives[0] ? r.alternatives[0].transcript : '';
          if (r.is_final) { if (text) $('finals').textContent += text + ' '; $('interim').textContent = ''; }
          else $('interim').textContent = text;
        }
      };
      ws.onclose = (event) => { $('status').textContent = 'closed (' + event.code + (event.reason ? ': ' + event.reason : '') + ')'; };
      return ws;
    }
    function toPCM16(floats) {
      const out = new Int16Array(floats.length);
      for (let i = 0; i < floats.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(floats[i] * 32768)));
      return out.buffer;
    }
    $('send').onclick = async () => {
      const file = $('file').files[0]; if (!file) { $('status').textContent = 'pick a file first'; return; }
      const context = new AudioContext(); const decoded = await context.decodeAudioData(await file.arrayBuffer());
      const rate = 16000, frames = Math.ceil(decoded.duration * rate);
      const offline = new OfflineAudioContext(1, frames, rate); const source = offline.createBufferSource();
      source.buffer = decoded; source.connect(offline.destination); source.start();
      const samples = (await offline.startRendering()).getChannelData(0);
      openStream(rate, async (ws) => {
        const chunk = rate / 10;
        for (let i = 0; i < samples.length; i += chunk) {
          ws.send(toPCM16(samples.subarray(i, i + chunk)));
          if ($('realtime').checked) await new Promise((done) => setTimeout(done, 100));
        }
        ws.send(JSON.stringify({ eof: true }));
      });
    };
    let recording = null;
    $('record').onclick = async () => {
      if (recording) { recording.stop(); recording = null; $('record').textContent = 'Record'; $('record').className = ''; return; }
      const media = await navigator.mediaDevices.getUserMedia({ audio: true });
      const context = new AudioContext(); const input = context.createMediaStreamSource(media);
      const processor = context.createScriptProcessor(4096, 1, 1);
      const ws = openStream(Math.round(context.sampleRate), () => {});
      processor.onaudioprocess = (e) => { if (ws.readyState === 1) ws.send(toPCM16(e.inputBuffer.getChannelData(0))); };
      input.connect(processor); processor.connect(context.destination);
      recording = { stop: () => { processor.disconnect(); input.disconnect(); media.getTracks().forEach((t) => t.stop());
        if (ws.readyState === 1) ws.send(JSON.stringify({ eof: true })); } };
      $('record').textContent = 'Stop'; $('record').className = 'rec';
    };
    $('nlp').onclick = async () => {
      const task = $('task').value, text = $('text').value;
      const body = task === 'analyze_intent' ? { query: text } : { text: [text] };
      const r = await fetch('/v1/nlp:' + task, { method: 'POST', headers: Object.assign({ 'Content-Type': 'application/json' }, headers()),
        body: JSON.stringify(body) });
      $('nlpResult').textContent = JSON.stringify(await r.json(), null, 2);
    };
    $('key').onchange = loadModels;
    loadModels();
    </script>
    </body></html>
    """#
}
