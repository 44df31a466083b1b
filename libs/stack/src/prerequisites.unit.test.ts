import { describe, expect, it } from 'vitest';
import { javaCommand, parseJavaMajor } from './prerequisites.ts';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['no version here', undefined],
  ])('reads %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });
});

describe('javaCommand', () => {
  it('prefers JAVA_HOME over PATH', () => {
    expect(javaCommand({ JAVA_HOME: '/opt/jdk' })).toBe('/opt/jdk/bin/java');
    expect(javaCommand({})).toBe('java');
  });
});
