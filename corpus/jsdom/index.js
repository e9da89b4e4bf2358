const {JSDOM}=require('jsdom');const d=new JSDOM('<p id=a>hi</p>');console.log(d.window.document.getElementById('a').textContent, d.window.navigator.userAgent.includes('jsdom'));
