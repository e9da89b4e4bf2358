const config = {name:'sample', retries:3, endpoints:['a','b','c'], nested:{deep:{value:42}}}
function fetchAll(list){return Promise.all(list.map(async (e)=>{ const r = await fetch(e); return r.json() }))}
export default class Client { constructor(opts){this.opts={...config,...opts}} run(){ return fetchAll(this.opts.endpoints) } }
