using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one version requirement (a Vernaux entry of .gnu.version_r) of 64-bit
/// little-endian ELF files. See LibTorchSharp.targets for why.
/// </summary>
public class MarkElfVersionRequirementWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; }
    [Required] public string VersionName { get; set; }

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                var elf = File.ReadAllBytes(path);
                int marked = Mark(elf, VersionName, out int alreadyWeak);
                if (marked > 0)
                {
                    File.WriteAllBytes(path, elf);
                    Log.LogMessage(MessageImportance.High, $"{path}: version requirement {VersionName} marked weak");
                }
                else if (alreadyWeak == 0)
                {
                    Log.LogMessage(MessageImportance.Normal, $"{path}: no requirement on {VersionName}");
                }
            }
            catch (InvalidDataException e)
            {
                Log.LogError($"{path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static int Mark(byte[] elf, string versionName, out int alreadyWeak)
    {
        alreadyWeak = 0;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a 64-bit little-endian ELF file");

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int marked = 0;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int entries = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);

            long need = offset;
            for (int n = 0; n < entries; n++)
            {
                int count = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int j = 0; j < count; j++)
                {
                    int flagsAt = (int)aux + 4;
                    string name = CString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == versionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                        if ((flags & VerFlgWeak) != 0) alreadyWeak++;
                        else
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, flagsAt);
                            marked++;
                        }
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        return marked;
    }

    private static string CString(byte[] data, long at)
    {
        int end = (int)at;
        while (data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)at, end - (int)at);
    }
}
