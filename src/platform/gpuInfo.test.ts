import { describe, expect, it } from 'vitest';
import { adapterFacts, adapterName, isSoftwareAdapter, isSoftwareRenderer } from './gpuInfo';

describe('software GPU detection', () => {
  it('knows the adapters the ladder meets: SwiftShader (Chromium, Dawn), llvmpipe, and the fallback flag', () => {
    expect(
      isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }),
    ).toBe(true);
    expect(
      isSoftwareAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }),
    ).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'unknown', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false);
    expect(isSoftwareAdapter({})).toBe(false);
  });

  it('reads WebGL unmasked renderer strings', () => {
    expect(
      isSoftwareRenderer(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe(true);
    expect(isSoftwareRenderer('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(false);
    expect(isSoftwareRenderer('Apple M2')).toBe(false);
  });

  it('names an adapter as vendor architecture (description)', () => {
    expect(
      adapterName({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }),
    ).toBe('google swiftshader (SwiftShader driver 5.0.0)');
    expect(adapterName({})).toBe('unknown adapter');
  });

  it('reads adapter facts from info getters, with the fallback flag on info or (older) on the adapter', () => {
    class Info {
      get vendor() {
        return 'google';
      }
      get architecture() {
        return 'swiftshader';
      }
      get device() {
        return '';
      }
      get description() {
        return 'SwiftShader driver';
      }
    }
    expect(adapterFacts({ info: new Info() })).toEqual({
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: 'SwiftShader driver',
      isFallbackAdapter: undefined,
    });
    expect(adapterFacts({ info: {}, isFallbackAdapter: true }).isFallbackAdapter).toBe(true);
    expect(adapterFacts({ info: { isFallbackAdapter: false }, isFallbackAdapter: true }).isFallbackAdapter).toBe(false);
  });
});
