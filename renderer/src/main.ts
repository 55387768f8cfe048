import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
// Applies the saved theme before the first paint.
import './settings/preferences.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
