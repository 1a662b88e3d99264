// Ref: printing, equality and map keys of unique references.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isRef } from '@troupe/runtime';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('Ref', () => {
  it('prints a local ref as #Ref<0.N>', () => {
    const { rt } = startRuntime();
    const ref = rt.makeRef();
    expect(String(ref)).toMatch(/^#Ref<0\.[1-9]\d*>$/);
    expect(ref.toString()).toBe(`#Ref<0.${ref.id}>`);
    expect(inspect(ref)).toBe(String(ref));
    expect(JSON.stringify([ref])).toBe(`["${ref}"]`);
  });

  it('is equal only to itself', () => {
    const { rt } = startRuntime();
    const a = rt.makeRef();
    const b = rt.makeRef();
    expect(a.equals(a)).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(String(a))).toBe(false);
  });

  it('is not equal to the ref with the same number on another runtime', () => {
    const a = startRuntime().rt.makeRef();
    const b = startRuntime().rt.makeRef();
    expect(String(a)).toBe(String(b));
    expect(a.equals(b)).toBe(false);
  });

  it('is unique for every makeRef and keys a Map by a stable string', () => {
    const { rt } = startRuntime();
    const refs = Array.from({ length: 1000 }, () => rt.makeRef());
    expect(new Set(refs.map((ref) => ref.key)).size).toBe(1000);
    const byKey = new Map([[refs[0]!.key, 'first']]);
    expect(byKey.get(refs[0]!.key)).toBe('first');
  });

  it('carries its node, and isRef recognises it', () => {
    const { rt } = startRuntime({ name: 'beta@localhost' });
    const ref = rt.makeRef();
    expect(ref.node).toBe('beta@localhost');
    expect(isRef(ref)).toBe(true);
    expect(isRef(String(ref))).toBe(false);
  });
});
