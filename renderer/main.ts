import { mount } from 'svelte';
import App from './App.svelte';
import { AppModel } from './lib/app.svelte.js';
import './styles.css';

const model = new AppModel(window.api);
mount(App, { target: document.getElementById('app')!, props: { model } });
