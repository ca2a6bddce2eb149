import { describe, expect, it } from 'vitest';
import {
  STORAGE_SCHEMA_STEPS,
  latestStorageSchemaVersion,
  storageMigrations,
} from './storage-migrations.js';

describe('storage migrations', () => {
  it('gives every backend the same versions and descriptions, each with its own SQL', () => {
    const migrations = storageMigrations({
      1: 'CREATE TABLE a (x)',
      2: 'ALTER TABLE a ADD y',
      3: 'CREATE TABLE b (z)',
      4: 'CREATE TABLE c (w)',
      5: 'CREATE TABLE d (v)',
      6: 'CREATE TABLE e (u)',
    });
    expect(migrations.map((m) => [m.version, m.description])).toEqual(
      STORAGE_SCHEMA_STEPS.map((s) => [s.version, s.description]),
    );
    expect(migrations.map((m) => m.sql)).toEqual([
      'CREATE TABLE a (x)',
      'ALTER TABLE a ADD y',
      'CREATE TABLE b (z)',
      'CREATE TABLE c (w)',
      'CREATE TABLE d (v)',
      'CREATE TABLE e (u)',
    ]);
    expect(latestStorageSchemaVersion(migrations)).toBe(6);
  });

  it('numbers the steps 1, 2, 3... oldest first', () => {
    expect(STORAGE_SCHEMA_STEPS.map((s) => s.version)).toEqual(
      STORAGE_SCHEMA_STEPS.map((_, i) => i + 1),
    );
  });
});
